import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createMemoryCache } from '../../core/adapters/cache/memory';
import { createRedisClient } from '../../core/adapters/cache/redis';
import { withBroadcastCounters } from '../../core/adapters/invalidation/broadcast-cache';
import { createPostgresInvalidationBus, INVALIDATION_CHANNEL } from '../../core/adapters/invalidation/postgres';
import { createRedisInvalidationBus } from '../../core/adapters/invalidation/redis';
import type { InvalidationBus } from '../../core/adapters/invalidation/types';
import { generationKey } from '../../core/services/query-cache';
import { TEST_REDIS_URL } from '../setup/global-setup';

async function until(what: string, condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Two buses = two processes' views: each has its own connection(s) and origin id. */
const backends: Array<{ name: string; make: () => Promise<{ bus: InvalidationBus; close(): Promise<void> }> }> = [
  {
    name: 'PostgreSQL LISTEN/NOTIFY',
    make: async () => {
      const bus = await createPostgresInvalidationBus({ connectionString: inject('databaseAdminUrl') });
      return { bus, close: () => bus.close() };
    },
  },
  {
    name: 'Redis pub/sub',
    make: async () => {
      // The product's client options (no offline queue), which the subscriber must cope with.
      const redis = createRedisClient(TEST_REDIS_URL);
      if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
      const bus = await createRedisInvalidationBus({ redis });
      return {
        bus,
        async close() {
          await bus.close();
          redis.disconnect();
        },
      };
    },
  },
];

for (const backend of backends) {
  describe(`invalidation bus over ${backend.name}`, () => {
    const opened: Array<{ close(): Promise<void> }> = [];
    const open = async () => {
      const made = await backend.make();
      opened.push(made);
      return made.bus;
    };
    afterAll(async () => {
      for (const made of opened) await made.close();
    });

    it('delivers a message to the other process and to the publisher itself, once each', async () => {
      const [a, b] = [await open(), await open()];
      const topic = `test-${Math.random()}`;
      const seenByA: string[] = [];
      const seenByB: string[] = [];
      a.subscribe(topic, (id) => seenByA.push(id));
      b.subscribe(topic, (id) => seenByB.push(id));
      // Redis subscribes in the background: wait until b hears a probe before the real message.
      const probe: string[] = [];
      b.subscribe(`${topic}-ready`, (id) => probe.push(id));
      while (probe.length === 0) {
        await a.publish(`${topic}-ready`, 'ping');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }

      await a.publish(topic, 'client-1');
      expect(seenByA).toEqual(['client-1']);
      await until('delivery to b', () => seenByB.length > 0);
      await b.publish(topic, 'client-2');
      await until('delivery back to a', () => seenByA.length === 2);
      expect(seenByA).toEqual(['client-1', 'client-2']);
      expect(seenByB).toEqual(['client-1', 'client-2']);
    });

    it('moves a query-cache generation in every process, without Redis as the cache', async () => {
      const [a, b] = [await open(), await open()];
      const cacheA = withBroadcastCounters(createMemoryCache(), a);
      const cacheB = withBroadcastCounters(createMemoryCache(), b);
      const key = generationKey(`client-${Math.random()}`);
      // Wait for b's subscription (Redis subscribes in the background).
      while ((await cacheB.get(key)) === null) {
        await cacheA.incr(key);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const before = await cacheB.get(key);
      await cacheA.incr(key);
      const deadline = Date.now() + 30_000;
      while ((await cacheB.get(key)) === before && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await cacheB.get(key)).not.toBe(before);
    });
  });
}

describe('PostgreSQL invalidation listener', () => {
  it('reconnects after its connection is killed and tells subscribers everything may have changed', async () => {
    const bus = await createPostgresInvalidationBus({ connectionString: inject('databaseAdminUrl') });
    const admin = new pg.Client({ connectionString: inject('databaseAdminUrl') });
    await admin.connect();
    try {
      const seen: string[] = [];
      bus.subscribe('documents', (id) => seen.push(id));
      const killed = await admin.query(
        `select pg_terminate_backend(pid) from pg_stat_activity where query like $1 and pid <> pg_backend_pid()`,
        [`listen ${INVALIDATION_CHANNEL}%`],
      );
      expect(killed.rowCount).toBeGreaterThan(0);
      await until('the reset after reconnecting', () => seen.includes('*'));
      // And it listens again: a message from another connection arrives.
      await admin.query('select pg_notify($1, $2)', [
        INVALIDATION_CHANNEL,
        JSON.stringify({ o: 'elsewhere', t: 'documents', i: 'doc-1' }),
      ]);
      await until('a message after the reconnect', () => seen.includes('doc-1'));
    } finally {
      await admin.end();
      await bus.close();
    }
  });
});
