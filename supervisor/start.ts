// `npm start`: the whole product on one machine. Starts the embedded PostgreSQL (unless
// DATABASE_URL is set) and a Temporal dev server (unless TEMPORAL_ADDRESS is set), then runs the
// API (`api/server.ts`: API, widget script, dashboard) and the Temporal worker
// (`temporal/worker-main.ts`) as separate child processes, restarted with backoff when they crash.
// One SIGTERM or Ctrl-C stops the children, then PostgreSQL and the dev server.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStack, startTemporalDevServer } from '../api/stack';
import type { Config } from '../core/config';
import { openDatabase } from '../core/db/connect';
import { migrateLatest } from '../core/db/migrate';
import type { Logger } from '../core/logger';
import { runMain, stopSteps, type StartedProcess } from '../core/runtime/main';
import { superviseChildren } from '../core/runtime/supervisor';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dev = process.argv.includes('--dev');
/** How long children get to stop on SIGTERM before SIGKILL: the whole stop stays under 10 s. */
const CHILD_STOP_MS = 7000;

function urls(config: Config, temporal: string): string[] {
  return [
    '  ChatConnect is running',
    '',
    `  Dashboard      ${config.publicUrl}/`,
    `  Widget demo    ${config.publicUrl}/demo`,
    `  Health         ${config.publicUrl}/health`,
    temporal,
  ];
}

/** PGlite is one process: API and worker share it in this process (the fallback, see decision 006). */
async function startSingleProcess(config: Config, logger: Logger): Promise<StartedProcess> {
  const stack = await startStack({
    config,
    logger,
    api: true,
    worker: true,
    devServer: true,
    dashboardMode: dev ? 'dev' : 'build',
  });
  const temporal = stack.devServer
    ? `  Temporal Web   ${stack.devServer.uiUrl}`
    : `  Temporal       ${stack.temporalAddress}`;
  return {
    banner: [...urls(config, temporal), `  Data           ${config.dataDir} (embedded PGlite, one process)`],
    stop: stack.stop,
  };
}

async function startSupervised(config: Config, logger: Logger): Promise<StartedProcess> {
  const steps = stopSteps(logger, config.SHUTDOWN_TIMEOUT_MS);
  try {
    // Side by side; whichever started is stopped again if the other fails.
    const [databaseStart, devServerStart] = await Promise.allSettled([
      config.DATABASE_URL
        ? undefined
        : openDatabase({
            dataDir: config.dataDir,
            postgresPort: config.EMBEDDED_POSTGRES_PORT,
            postgresBinDir: config.EMBEDDED_POSTGRES_BIN_DIR,
            poolMax: 1,
            logger,
          }),
      config.startTemporalDevServer ? startTemporalDevServer(config, logger) : undefined,
    ]);
    const database = databaseStart.status === 'fulfilled' ? databaseStart.value : undefined;
    const devServer = devServerStart.status === 'fulfilled' ? devServerStart.value : undefined;
    if (database) steps.push(() => database.close());
    if (devServer) steps.push(() => devServer.stop());
    for (const started of [databaseStart, devServerStart]) if (started.status === 'rejected') throw started.reason;
    // Migrate once here, so the children start on an up-to-date schema.
    if (database) await migrateLatest(database.knex);
    await database?.knex.destroy();

    const env: NodeJS.ProcessEnv = { ...process.env };
    // Children write to a pipe, not the terminal: they log the way this process's stdout calls for.
    if (config.LOG_FORMAT === 'auto') env.LOG_FORMAT = process.stdout.isTTY ? 'pretty' : 'json';
    if (database) env.DATABASE_URL = database.connectionString;
    if (devServer) {
      env.TEMPORAL_ADDRESS = devServer.address;
      env.TEMPORAL_UI_URL ??= devServer.uiUrl;
    }
    const node = (entry: string, ...args: string[]) => ({
      command: process.execPath,
      args: ['--import', 'tsx', path.join(root, entry), ...args],
      env,
      cwd: root,
    });
    const supervisor = superviseChildren({
      logger,
      children: [
        { name: 'api', ...node('api/server.ts', ...(dev ? ['--dev'] : [])) },
        { name: 'worker', ...node('temporal/worker-main.ts') },
      ],
    });
    steps.push(() => supervisor.stop(CHILD_STOP_MS));
    const temporal = devServer
      ? `  Temporal Web   ${devServer.uiUrl}`
      : `  Temporal       ${config.TEMPORAL_ADDRESS}${config.TEMPORAL_UI_URL ? ` (Web: ${config.TEMPORAL_UI_URL})` : ''}`;
    const pids = supervisor.pids();
    return {
      banner: [
        ...urls(config, temporal),
        `  Data           ${database ? `${config.dataDir} (embedded PostgreSQL 18 + pgvector)` : 'PostgreSQL (DATABASE_URL)'}`,
        `  Processes      api (pid ${pids.api}), worker (pid ${pids.worker}), supervisor (pid ${process.pid})`,
      ],
      stop: steps.stopAll,
    };
  } catch (error) {
    await steps.stopAll();
    throw error;
  }
}

await runMain('start', (config, logger) =>
  !config.DATABASE_URL && config.EMBEDDED_DATABASE === 'pglite'
    ? startSingleProcess(config, logger)
    : startSupervised(config, logger),
);
