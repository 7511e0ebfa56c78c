import pg from 'pg';
import type { Logger } from '../../logger';
import { createDispatcher, type InvalidationBus } from './types';

export const INVALIDATION_CHANNEL = 'chatconnect_invalidation';

/**
 * The bus over PostgreSQL LISTEN/NOTIFY: one dedicated connection listens (outside the pool, as
 * LISTEN needs a session), publishing is `select pg_notify(...)` on another. A lost listener
 * reconnects with backoff (1 s doubling to 15 s) and then delivers '*' to every subscriber, since
 * notifications sent meanwhile are lost.
 */
export async function createPostgresInvalidationBus({
  connectionString,
  logger,
}: {
  connectionString: string;
  logger?: Logger;
}): Promise<InvalidationBus> {
  const dispatcher = createDispatcher((error) => logger?.error({ err: error }, 'invalidation handler failed'));
  let closed = false;
  let listener: pg.Client | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let publisher: pg.Client | undefined;

  const listen = async (): Promise<void> => {
    const client = new pg.Client({ connectionString });
    client.on('notification', (message) => {
      if (message.channel === INVALIDATION_CHANNEL && message.payload) dispatcher.receive(message.payload);
    });
    client.on('error', () => undefined);
    await client.connect();
    await client.query(`listen ${INVALIDATION_CHANNEL}`);
    client.once('end', () => {
      if (closed) return;
      logger?.warn('invalidation listener lost its database connection; reconnecting');
      scheduleReconnect(1000);
    });
    listener = client;
  };
  const scheduleReconnect = (delayMs: number) => {
    retryTimer = setTimeout(async () => {
      try {
        await listen();
        dispatcher.resetAll();
      } catch {
        if (!closed) scheduleReconnect(Math.min(delayMs * 2, 15_000));
      }
    }, delayMs);
  };
  await listen();

  const publishOnce = async (payload: string) => {
    if (!publisher) {
      const client = new pg.Client({ connectionString });
      client.on('error', () => undefined);
      client.once('end', () => {
        if (publisher === client) publisher = undefined;
      });
      await client.connect();
      publisher = client;
    }
    await publisher.query('select pg_notify($1, $2)', [INVALIDATION_CHANNEL, payload]);
  };

  return {
    kind: 'postgres',
    async publish(topic, id) {
      dispatcher.deliver(topic, id);
      const payload = dispatcher.encode(topic, id);
      try {
        await publishOnce(payload);
      } catch {
        // A dropped connection: one retry on a fresh one.
        publisher?.end().catch(() => undefined);
        publisher = undefined;
        await publishOnce(payload);
      }
    },
    subscribe: dispatcher.subscribe,
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      await listener?.end().catch(() => undefined);
      await publisher?.end().catch(() => undefined);
    },
  };
}
