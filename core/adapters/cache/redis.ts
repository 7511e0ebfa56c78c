import { Redis } from 'ioredis';
import type { Cache } from './types';

/** How long one Redis command may take before it fails (a cache miss / the memory rate limiter answer instead). */
export const REDIS_COMMAND_TIMEOUT_MS = 1000;
/** How often the watchdog checks the connection; a dead socket is replaced within about two of these. */
export const REDIS_WATCHDOG_INTERVAL_MS = 2000;

/**
 * A Redis client that never makes a chat wait on Redis:
 * - `enableOfflineQueue: false` + `maxRetriesPerRequest: 1`: while disconnected, commands fail at
 *   once instead of queueing (callers treat a cache failure as a miss; rate limits fall back to
 *   their in-memory insurance limiter);
 * - `commandTimeout`: a command on a socket that went silent (a partition: no FIN, no RST) fails
 *   after REDIS_COMMAND_TIMEOUT_MS instead of hanging;
 * - a watchdog PINGs every REDIS_WATCHDOG_INTERVAL_MS and drops the socket when a PING times out
 *   or a (re)connection is stuck before `ready`, so ioredis reconnects (backoff ≤ 1 s): health
 *   recovers within a few seconds of Redis coming back, instead of never (the stuck socket was
 *   never reset before).
 */
export function createRedisClient(url: string): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    lazyConnect: false,
    connectTimeout: 3000,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    keepAlive: 5000,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
  });
  let stuckTicks = 0;
  const watchdog = setInterval(() => {
    if (redis.status === 'ready') {
      stuckTicks = 0;
      redis.ping().catch((error: Error) => {
        if (/timed out/i.test(error.message) && redis.status === 'ready') redis.disconnect(true);
      });
    } else if (redis.status === 'connect' || redis.status === 'connecting') {
      // Connected at the TCP level but the handshake never completes: start over.
      if (++stuckTicks >= 2) {
        stuckTicks = 0;
        redis.disconnect(true);
      }
    } else {
      stuckTicks = 0;
    }
  }, REDIS_WATCHDOG_INTERVAL_MS);
  watchdog.unref();
  redis.on('end', () => clearInterval(watchdog));
  return redis;
}

export function createRedisCache({ redis, prefix = 'cc:' }: { redis: Redis; prefix?: string }): Cache {
  return {
    name: 'redis',
    async get(key) {
      return redis.get(prefix + key);
    },
    async set(key, value, ttlSeconds) {
      if (ttlSeconds <= 0) return;
      await redis.set(prefix + key, value, 'EX', ttlSeconds);
    },
    async del(key) {
      await redis.del(prefix + key);
    },
    async incr(key) {
      return redis.incr(prefix + key);
    },
    async ping() {
      await redis.ping();
    },
    async close() {
      redis.disconnect();
    },
  };
}
