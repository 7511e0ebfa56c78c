import type { Redis } from 'ioredis';
import type { Database } from '../../db/connect';
import type { Logger } from '../../logger';
import { createPostgresInvalidationBus } from './postgres';
import { createRedisInvalidationBus } from './redis';
import { createLocalInvalidationBus, type InvalidationBus } from './types';

export { INVALIDATION_TOPICS, type InvalidationBus } from './types';
export { withBroadcastCounters } from './broadcast-cache';

/** Redis pub/sub when Redis is configured, else PostgreSQL LISTEN/NOTIFY, else (PGlite: one process) in-process. */
export async function createInvalidationBus({
  redis,
  db,
  logger,
}: {
  redis?: Redis;
  db: Database;
  logger?: Logger;
}): Promise<InvalidationBus> {
  if (redis) return createRedisInvalidationBus({ redis, logger });
  if (db.kind !== 'pglite') return createPostgresInvalidationBus({ connectionString: db.connectionString, logger });
  return createLocalInvalidationBus();
}
