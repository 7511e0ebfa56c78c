import { createRequire } from 'node:module';
import {
  NativeConnection,
  Runtime,
  Worker,
  bundleWorkflowCode,
  makeTelemetryFilterString,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { createTemporalLogger } from './logger';
import { createActivities } from '../activities';
import type { Container } from '../core/container';

const require = createRequire(import.meta.url);
export const WORKFLOWS_PATH = require.resolve('../workflows/index.ts');

let runtimeInstalled = false;

/** Bundles workflow code once per process; the bundle is reused by every worker built after. */
let bundlePromise: Promise<WorkflowBundleWithSourceMap> | undefined;
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundlePromise ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietBundlerLogger });
  return bundlePromise;
}

const quietBundlerLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};

export async function createWorker({ container, address }: { container: Container; address: string }): Promise<Worker> {
  if (!runtimeInstalled) {
    runtimeInstalled = true;
    try {
      // The SDK's own logs (and core's, forwarded) go through pino at WARN and up, DEBUG with LOG_LEVEL=debug.
      const minimum =
        container.config.LOG_LEVEL === 'debug' || container.config.LOG_LEVEL === 'trace' ? 'DEBUG' : 'WARN';
      Runtime.install({
        logger: createTemporalLogger(container.logger.child({ component: 'temporal' }), { minimum }),
        telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: minimum }), forward: {} } },
      });
    } catch {
      // A runtime was installed already in this process (tests); keep it.
    }
  }
  const connection = await NativeConnection.connect({ address });
  return Worker.create({
    connection,
    namespace: container.config.TEMPORAL_NAMESPACE,
    taskQueue: container.config.TEMPORAL_TASK_QUEUE,
    workflowBundle: await workflowBundle(),
    activities: createActivities(container),
    maxConcurrentActivityTaskExecutions: 8,
    // In-flight activities get this long to finish on SIGTERM before being cancelled.
    shutdownGraceTime: '20 seconds',
  });
}

/**
 * Starts a worker polling the configured task queue. `stop()` drains: in-flight activities finish
 * (or are cancelled after the 20 s grace time) before it resolves, so the database may close after.
 */
export async function runWorker({
  container,
  address,
}: {
  container: Container;
  address: string;
}): Promise<{ worker: Worker; stop(): Promise<void> }> {
  const worker = await createWorker({ container, address });
  const running = worker.run();
  running.catch((error) => container.logger.error({ err: error }, 'worker stopped with an error'));
  return {
    worker,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
    },
  };
}
