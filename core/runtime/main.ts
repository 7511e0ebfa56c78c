import { ConfigError, loadConfig, type Config } from '../config';
import { createLogger, type Logger } from '../logger';

/** What a started process hands back: lines for the start-up banner and how to stop it. */
export interface StartedProcess {
  /** Printed once the process is up (URLs, what it polls). */
  banner: string[];
  /** Stops everything the process started, in reverse order. Never throws. */
  stop(): Promise<void>;
}

/**
 * The shared `main` of every process entry point (`api/server.ts`, `temporal/worker-main.ts`,
 * `supervisor/start.ts`): reads the configuration (exit 1 listing every bad key), starts the
 * process, prints its banner, and stops it once on SIGTERM, SIGINT, SIGHUP or when its parent goes
 * away (npm relays SIGTERM to the shell it ran us through, and that shell dies without passing it
 * on). Shutdown is bounded whatever the database or Temporal do: `SHUTDOWN_TIMEOUT_MS` (14 s)
 * after the signal the process is gone (exit 1 when it had to be cut).
 */
export async function runMain(
  name: string,
  start: (config: Config, logger: Logger) => Promise<StartedProcess>,
): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  }
  const logger = createLogger({ level: config.LOG_LEVEL, name: `chatconnect-${name}`, format: config.LOG_FORMAT });
  let started: StartedProcess;
  try {
    started = await start(config, logger);
  } catch (error) {
    logger.fatal({ err: error }, `start-up failed: ${(error as Error).message}`);
    // Also on stderr in plain words: a failed start must never be silent, whatever LOG_LEVEL says.
    console.error(`[${name}] start-up failed: ${(error as Error).message}`);
    process.exit(1);
  }
  if (started.banner.length) console.log(['', ...started.banner, ''].join('\n'));

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error({ timeoutMs: config.SHUTDOWN_TIMEOUT_MS }, 'shutdown did not finish in time; exiting');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS);
    force.unref();
    await started.stop();
    process.exit(0);
  };
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => void shutdown(signal));
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void shutdown('parent exited');
  }, 500).unref();
}

/**
 * Runs stop steps in reverse order of registration, logging (never throwing) a failed step. With
 * `timeoutMs`, every step gets what is left of that budget (at least 250 ms), so one that hangs on
 * a frozen database cannot keep the later ones (the Temporal dev server, PostgreSQL) from running.
 */
export function stopSteps(
  logger: Logger,
  timeoutMs?: number,
): { push(step: () => Promise<void>): void; stopAll(): Promise<void> } {
  const steps: Array<() => Promise<void>> = [];
  return {
    push: (step) => void steps.push(step),
    async stopAll() {
      const deadline = timeoutMs ? Date.now() + timeoutMs - 1000 : Number.POSITIVE_INFINITY;
      while (steps.length) {
        const step = steps.pop()!;
        const budget = Math.max(250, deadline - Date.now());
        let timer: NodeJS.Timeout | undefined;
        const timedOut = Number.isFinite(budget)
          ? new Promise<'timed out'>((resolve) => (timer = setTimeout(() => resolve('timed out'), budget)))
          : new Promise<never>(() => {});
        const outcome = await Promise.race([
          step().catch((error) => logger.error({ err: error }, 'shutdown step failed')),
          timedOut,
        ]);
        clearTimeout(timer);
        if (outcome === 'timed out')
          logger.error({ budgetMs: budget }, 'shutdown step did not finish in time; going on');
      }
    },
  };
}
