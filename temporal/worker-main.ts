// `npm run worker`: a Temporal worker process (run any number of them). It needs DATABASE_URL
// (or the embedded PostgreSQL `npm start` runs) and a Temporal server (TEMPORAL_ADDRESS).
import { pathToFileURL } from 'node:url';
import { createContainer } from '../core/container';
import { runMain, stopSteps, type StartedProcess } from '../core/runtime/main';
import type { Config } from '../core/config';
import type { Logger } from '../core/logger';
import { connectWorkflows } from './connection';
import { runWorker } from './worker';

/** Builds the container and runs one worker on `TEMPORAL_ADDRESS` (default 127.0.0.1:TEMPORAL_DEV_PORT). */
export async function startWorkerProcess(config: Config, logger: Logger): Promise<StartedProcess> {
  const steps = stopSteps(logger, config.SHUTDOWN_TIMEOUT_MS);
  try {
    const container = await createContainer({ config, logger });
    steps.push(() => container.close());
    const address = config.TEMPORAL_ADDRESS ?? `127.0.0.1:${config.TEMPORAL_DEV_PORT}`;
    // Activities start workflows too (a crawl starts each page's ingestion; deletions cancel and
    // schedules change): the worker process needs the same workflow gateways as the API.
    const workflows = await connectWorkflows({ container, address });
    steps.push(() => workflows.close());
    const worker = await runWorker({ container, address });
    steps.push(() => worker.stop());
    return {
      banner: [`  Worker         polling task queue "${config.TEMPORAL_TASK_QUEUE}" at ${address}`],
      stop: steps.stopAll,
    };
  } catch (error) {
    await steps.stopAll();
    throw error;
  }
}

const isMain = process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) await runMain('worker', startWorkerProcess);
