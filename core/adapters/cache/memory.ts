import { LRUCache } from 'lru-cache';
import type { Cache } from './types';

/**
 * In-process cache for the embedded mode: lru-cache with per-entry TTLs, bounded to `maxEntries`
 * (least recently used go first). Counters (`incr`, the cache generations) live apart and are never
 * evicted: a generation that fell out and restarted at 1 would make stale entries current again.
 */
export function createMemoryCache({ maxEntries = 50_000 }: { maxEntries?: number } = {}): Cache {
  const entries = new LRUCache<string, string>({ max: maxEntries, ttlAutopurge: false });
  const counters = new Map<string, number>();

  return {
    name: 'memory',
    async get(key) {
      const counter = counters.get(key);
      if (counter !== undefined) return String(counter);
      return entries.get(key) ?? null;
    },
    async set(key, value, ttlSeconds) {
      if (ttlSeconds <= 0) return;
      entries.set(key, value, { ttl: ttlSeconds * 1000 });
    },
    async del(key) {
      entries.delete(key);
      counters.delete(key);
    },
    async incr(key) {
      const next = (counters.get(key) ?? Number(entries.get(key) ?? 0)) + 1;
      entries.delete(key);
      counters.set(key, next);
      return next;
    },
    async ping() {},
    async close() {
      entries.clear();
      counters.clear();
    },
  };
}
