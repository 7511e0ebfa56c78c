import { DefaultLogger, Runtime, type LogEntry } from '@temporalio/worker';

/**
 * The worker logs every failed activity attempt at WARN to the console, which buries the tables.
 * The benchmark installs the process's Temporal runtime first (the product keeps a runtime that
 * is already installed) and tallies those entries instead, to print them as one summary.
 */
export interface TemporalLogTally {
  total: number;
  /** "activityType: first line of the error" → how many times. */
  byKind: Map<string, number>;
  summary(limit?: number): string[];
  /** Forget what was counted, so each section reports only its own. */
  reset(): void;
}

export function describeLogEntry(entry: Pick<LogEntry, 'message' | 'meta'>): string {
  const meta = (entry.meta ?? {}) as { activityType?: unknown; workflowType?: unknown; error?: unknown };
  const where =
    typeof meta.activityType === 'string'
      ? meta.activityType
      : typeof meta.workflowType === 'string'
        ? meta.workflowType
        : '';
  const error = meta.error instanceof Error ? meta.error.message : typeof meta.error === 'string' ? meta.error : '';
  // Long SQL is cut to what identifies the failure: the part after the statement.
  const reason = (error.includes(' - ') ? error.slice(error.lastIndexOf(' - ') + 3) : error)
    .split('\n')[0]
    .slice(0, 160);
  return [entry.message, where, reason].filter(Boolean).join(' | ');
}

let installed: TemporalLogTally | undefined;

export function installTemporalLogTally(): TemporalLogTally {
  if (installed) {
    installed.reset();
    return installed;
  }
  const tally: TemporalLogTally = {
    total: 0,
    byKind: new Map(),
    summary(limit = 8) {
      return [...tally.byKind.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, limit)
        .map(([kind, count]) => `${String(count).padStart(5)} × ${kind}`);
    },
    reset() {
      tally.total = 0;
      tally.byKind.clear();
    },
  };
  Runtime.install({
    logger: new DefaultLogger('WARN', (entry) => {
      tally.total += 1;
      const kind = describeLogEntry(entry);
      tally.byKind.set(kind, (tally.byKind.get(kind) ?? 0) + 1);
    }),
  });
  installed = tally;
  return tally;
}
