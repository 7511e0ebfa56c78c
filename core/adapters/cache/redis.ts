import { Redis } from 'ioredis';
import type { Cache } from './types';

export function createRedisClient(url: string): Redis {
  // Fail fast instead of queueing commands forever while Redis is away: callers treat a cache
  // failure as a miss, and rate limits fall back to memory (see rate-limit adapter).
  return new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false, connectTimeout: 5000 });
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
