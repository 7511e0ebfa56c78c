import { Router } from 'express';
import type { Container } from '../../core/container';

const withTimeout = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref()),
  ]);

/** A short, safe reason: an error code like ECONNREFUSED or a timeout, never a raw message (which may carry SQL or hosts). */
function describeFailure(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^[A-Z0-9_]{3,40}$/.test(code)) return code;
  if ((error as Error).message?.startsWith('timed out')) return 'timed out';
  return 'unavailable';
}

/** GET /health (per-dependency checks and the Temporal task queue); /metrics answers 404 here. */
export function operationsRouter(container: Container): Router {
  const router = Router();

  router.get('/health', async (_req, res) => {
    const check = async (run: () => Promise<unknown>) => {
      const started = Date.now();
      try {
        await withTimeout(run(), 3000);
        return { status: 'ok' as const, latencyMs: Date.now() - started };
      } catch (error) {
        return { status: 'down' as const, latencyMs: Date.now() - started, error: describeFailure(error) };
      }
    };
    const [db, vectorStore, cache, queue] = await Promise.all([
      check(() => container.db.knex.raw('select 1')),
      check(() => container.vectorStore.ping()),
      check(() => container.cache.ping()),
      container.workflows
        ? withTimeout(container.workflows.health(), 3000).catch((error) => ({
            ok: false,
            taskQueue: container.config.TEMPORAL_TASK_QUEUE,
            pollers: 0,
            error: describeFailure(error),
          }))
        : Promise.resolve({
            ok: false,
            taskQueue: container.config.TEMPORAL_TASK_QUEUE,
            pollers: 0,
            error: 'not connected',
          }),
    ]);
    const temporal = {
      status: queue.ok ? ('ok' as const) : ('down' as const),
      taskQueue: queue.taskQueue,
      pollers: queue.pollers,
      backlog: 'backlog' in queue ? queue.backlog : undefined,
      ...(queue.ok
        ? {}
        : { error: 'error' in queue && queue.error === 'not connected' ? 'not connected' : 'unreachable' }),
    };
    const checks = {
      db: { ...db, kind: container.db.kind },
      temporal,
      vectorStore: { ...vectorStore, kind: container.vectorStore.name },
      cache: { ...cache, kind: container.cache.name },
    };
    const down = Object.entries(checks)
      .filter(([, value]) => value.status !== 'ok')
      .map(([name]) => name);
    res.setHeader('Cache-Control', 'no-store');
    res.status(down.length ? 503 : 200).json({ status: down.length ? 'degraded' : 'ok', down, checks });
  });

  // No /metrics here: Prometheus is on the operators' port (api/metrics-server.ts), so the public port answers 404.
  return router;
}
