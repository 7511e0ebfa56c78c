import { ApplicationFailure, type LogLevel, type LogMetadata, type Logger as TemporalLogger } from '@temporalio/common';
import type { Logger } from '../core/logger';

const PINO_LEVEL = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;
const SEVERITY: Record<LogLevel, number> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4 };

/**
 * A failure the tenant can fix (the ingestion activities' non-retryable ApplicationFailures:
 * unreadable, encrypted, empty, too complex, deleted): logged as one line with its code, no stack.
 */
export function isExpectedFailure(error: unknown): error is ApplicationFailure {
  return error instanceof ApplicationFailure && error.nonRetryable === true;
}

/**
 * The Temporal SDK's logger (worker, activities, workflows through the default sinks, and core's
 * forwarded logs) written through pino, so the worker's lines share the API's format. Entries below
 * `minimum` are dropped (the SDK is chatty at INFO). `meta` carries the SDK's context — workflowId,
 * activityType, attempt — as fields. An `error`/`failure` in `meta` becomes pino's `err` (stack,
 * once) unless it is an expected failure, which is logged at INFO as `{code, reason}`.
 */
export function createTemporalLogger(
  logger: Logger,
  { minimum = 'WARN' }: { minimum?: LogLevel } = {},
): TemporalLogger {
  const log = (level: LogLevel, message: string, meta: LogMetadata = {}) => {
    const { error, failure, ...fields } = meta as LogMetadata & { error?: unknown; failure?: unknown };
    const problem = error ?? failure;
    let effective = level;
    if (isExpectedFailure(problem)) {
      Object.assign(fields, { code: problem.type ?? 'user_error', reason: problem.message });
      if (SEVERITY[effective] > SEVERITY.INFO) effective = 'INFO';
    } else if (problem !== undefined) {
      fields.err = problem;
    }
    // Expected failures are kept at INFO even when `minimum` is higher: they are the tenant-facing record.
    if (SEVERITY[level] < SEVERITY[minimum]) return;
    logger[PINO_LEVEL[effective]](fields, message);
  };
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}
