import path from 'node:path';
import type { Worker } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import type { Config } from '../core/config';
import { createContainer, type Container } from '../core/container';
import type { Logger } from '../core/logger';
import { stopSteps } from '../core/runtime/main';
import { resolveTemporalCli, startDevServer, startSdkDevServer, type DevServer } from '../temporal/dev-server';
import type { MetricsServer } from './metrics-server';
import { startApi, type DashboardMode, type RunningServer } from './server';

/**
 * The whole product in ONE process (API and/or worker on one container, optionally a Temporal
 * dev server) for the integration tests, the bench and scripts. Users run separate processes
 * instead (`npm start` supervises `npm run api` and `npm run worker`).
 */
export interface Stack {
  config: Config;
  container: Container;
  http?: RunningServer;
  /** The operators' Prometheus endpoint (API only). */
  metricsServer?: MetricsServer;
  worker?: Worker;
  devServer?: DevServer;
  temporalAddress: string;
  temporalClient?: Client;
  stop(): Promise<void>;
}

export async function startStack({
  config,
  logger,
  api,
  worker: runWorker,
  devServer: wantDevServer,
  dashboardMode = 'build',
}: {
  config: Config;
  logger: Logger;
  api: boolean;
  worker: boolean;
  devServer: boolean;
  dashboardMode?: DashboardMode;
}): Promise<Stack> {
  const steps = stopSteps(logger, config.SHUTDOWN_TIMEOUT_MS);
  try {
    let temporalAddress = config.TEMPORAL_ADDRESS ?? `127.0.0.1:${config.TEMPORAL_DEV_PORT}`;
    const devServerPromise =
      wantDevServer && config.startTemporalDevServer ? startTemporalDevServer(config, logger) : undefined;
    // The database and the dev server come up side by side.
    const [containerStart, devServerStart] = await Promise.allSettled([
      createContainer({ config, logger }),
      devServerPromise,
    ]);
    // Whichever started is stopped again if the other failed.
    if (containerStart.status === 'fulfilled') steps.push(() => containerStart.value.close());
    if (devServerStart.status === 'fulfilled' && devServerStart.value) steps.push(() => devServerStart.value!.stop());
    for (const started of [containerStart, devServerStart]) if (started.status === 'rejected') throw started.reason;
    const container = (containerStart as PromiseFulfilledResult<Container>).value;
    const devServer = (devServerStart as PromiseFulfilledResult<DevServer | undefined>).value;
    if (devServer) temporalAddress = devServer.address;
    let worker: Worker | undefined;
    if (runWorker) {
      const { runWorker: run } = await import('../temporal/worker');
      const running = await run({ container, address: temporalAddress });
      worker = running.worker;
      steps.push(() => running.stop());
    }
    let http: RunningServer | undefined;
    let temporalClient: Client | undefined;
    let metricsServer: MetricsServer | undefined;
    if (api) {
      const started = await startApi({ container, temporalAddress, dashboard: dashboardMode });
      http = started.http;
      metricsServer = started.metricsServer;
      temporalClient = started.temporalClient;
      steps.push(() => started.stop());
    }
    return {
      config,
      container,
      http,
      metricsServer,
      worker,
      devServer,
      temporalAddress,
      temporalClient,
      stop: steps.stopAll,
    };
  } catch (error) {
    await steps.stopAll();
    throw error;
  }
}

/** `temporal server start-dev` with state under DATA_DIR/temporal (the pinned CLI, else the SDK's download). */
export async function startTemporalDevServer(config: Config, logger: Logger): Promise<DevServer> {
  const cliPath = await resolveTemporalCli({ explicitPath: config.TEMPORAL_CLI_PATH, logger });
  const options = {
    stateDir: path.join(config.dataDir, 'temporal'),
    port: config.TEMPORAL_DEV_PORT,
    uiPort: config.TEMPORAL_UI_PORT,
    namespace: config.TEMPORAL_NAMESPACE,
  };
  return cliPath ? startDevServer({ cliPath, logger, ...options }) : startSdkDevServer(options);
}
