import path from 'node:path';
import type { Worker } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import { ConfigError, loadConfig, type Config } from '../core/config';
import { createContainer, type Container } from '../core/container';
import { createLogger, type Logger } from '../core/logger';
import { startHttpServer, type DashboardMode, type RunningServer } from '../api/server';
import { resolveTemporalCli, startDevServer, startSdkDevServer, type DevServer } from '../temporal/dev-server';
import { connectTemporal, createWorkflowGateway } from '../temporal/gateway';
import { createCrawlGateway } from '../temporal/crawl-gateway';
import { reembedStaleDocuments } from '../core/services/embedding-migration';

/**
 * The composition root: builds the container once and starts the parts a process runs — the HTTP
 * server, a Temporal worker, and in the embedded mode a Temporal dev server. `npm start`,
 * `npm run api`, `npm run worker` and the integration tests all come through here.
 */
export interface Stack {
  config: Config;
  container: Container;
  http?: RunningServer;
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
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((error) => logger.error({ err: error }, 'shutdown step failed'));
    stops.length = 0;
  };
  try {
    let devServer: DevServer | undefined;
    let temporalAddress = config.TEMPORAL_ADDRESS ?? `127.0.0.1:${config.TEMPORAL_DEV_PORT}`;
    const devServerPromise =
      wantDevServer && config.startTemporalDevServer
        ? resolveTemporalCli({ explicitPath: config.TEMPORAL_CLI_PATH, logger }).then((cliPath) => {
            const options = {
              stateDir: path.join(config.dataDir, 'temporal'),
              port: config.TEMPORAL_DEV_PORT,
              uiPort: config.TEMPORAL_UI_PORT,
              namespace: config.TEMPORAL_NAMESPACE,
            };
            return cliPath ? startDevServer({ cliPath, logger, ...options }) : startSdkDevServer(options);
          })
        : undefined;
    // The database and the dev server come up side by side.
    const [container, startedDevServer] = await Promise.all([createContainer({ config, logger }), devServerPromise]);
    stops.push(() => container.close());
    if (startedDevServer) {
      devServer = startedDevServer;
      temporalAddress = devServer.address;
      stops.push(() => devServer!.stop());
    }

    const temporalClient = await connectWithRetry(temporalAddress, config, logger, container, stops);

    let worker: Worker | undefined;
    if (runWorker) {
      const { createWorker } = await import('../temporal/worker');
      worker = await createWorker({ container, address: temporalAddress });
      const running = worker.run();
      running.catch((error) => logger.error({ err: error }, 'worker stopped with an error'));
      stops.push(async () => {
        // Drain: in-flight activities finish (or are cancelled after the grace time) before the database closes.
        if (worker!.getState() === 'RUNNING') worker!.shutdown();
        await running.catch(() => undefined);
      });
    }

    // API processes carry documents over to a newly configured embedding model (in the background).
    if (api && temporalClient) {
      reembedStaleDocuments(
        { knex: container.db.knex, blobStore: container.blobStore, vectorStore: container.vectorStore, cache: container.cache, workflows: container.workflows, logger },
        { embeddingModel: container.embedder.model },
      ).catch((error) => logger.error({ err: error }, 'could not start re-embedding'));
    }

    let http: RunningServer | undefined;
    if (api) {
      http = await startHttpServer({ container, port: config.PORT, host: config.HOST, dashboard: dashboardMode });
      stops.push(() => http!.close(config.SHUTDOWN_GRACE_MS));
    }
    return { config, container, http, worker, devServer, temporalAddress, temporalClient, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Connects the workflow gateway; if Temporal is not reachable yet, keeps trying in the background (health says degraded meanwhile). */
async function connectWithRetry(
  address: string,
  config: Config,
  logger: Logger,
  container: Container,
  stops: Array<() => Promise<void>>,
): Promise<Client | undefined> {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let client: Client | undefined;
  stops.push(async () => {
    stopped = true;
    clearTimeout(timer);
    await container.workflows?.drain(5000);
    await client?.connection.close().catch(() => undefined);
  });
  const attempt = async (): Promise<Client | undefined> => {
    try {
      client = await connectTemporal({ address, namespace: config.TEMPORAL_NAMESPACE });
      container.workflows = createWorkflowGateway({ client, taskQueue: config.TEMPORAL_TASK_QUEUE });
      container.crawls = createCrawlGateway({ client, taskQueue: config.TEMPORAL_TASK_QUEUE });
      return client;
    } catch (error) {
      logger.warn({ err: (error as Error).message, address }, 'Temporal not reachable; retrying in 5 s');
      if (!stopped) timer = setTimeout(() => void attempt(), 5000);
      return undefined;
    }
  };
  return attempt();
}

export async function runProcess({
  api,
  worker,
  devServer,
  dashboardMode = 'build',
}: {
  api: boolean;
  worker: boolean;
  devServer: boolean;
  dashboardMode?: DashboardMode;
}): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  }
  const logger = createLogger({ level: config.LOG_LEVEL });
  let stack: Stack;
  try {
    stack = await startStack({ config, logger, api, worker, devServer, dashboardMode });
  } catch (error) {
    logger.fatal({ err: error }, `start-up failed: ${(error as Error).message}`);
    process.exit(1);
  }

  const lines = ['', '  ChatConnect is running', ''];
  if (stack.http) {
    lines.push(`  Dashboard      ${config.publicUrl}/`);
    lines.push(`  Widget demo    ${config.publicUrl}/demo`);
    lines.push(`  Health         ${config.publicUrl}/health`);
  }
  if (stack.devServer) lines.push(`  Temporal Web   ${stack.devServer.uiUrl}`);
  else lines.push(`  Temporal       ${stack.temporalAddress}${config.TEMPORAL_UI_URL ? ` (Web: ${config.TEMPORAL_UI_URL})` : ''}`);
  if (stack.worker) lines.push(`  Worker         polling task queue "${config.TEMPORAL_TASK_QUEUE}"`);
  lines.push(`  Data           ${stack.container.db.kind === 'pglite' ? `${config.dataDir} (embedded)` : 'PostgreSQL'}`, '');
  console.log(lines.join('\n'));

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), config.SHUTDOWN_GRACE_MS + 30_000);
    force.unref();
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGHUP', () => void shutdown('SIGHUP'));
  // npm relays SIGTERM to the shell it ran us through, and that shell dies without passing it on.
  // When our parent goes away we are orphaned: shut down the same way, so nothing is left behind.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void shutdown('parent exited');
  }, 500).unref();
}
