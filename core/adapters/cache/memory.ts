import type { Cache } from './types';

/** In-process cache for the embedded mode. Bounded: the oldest entries go first. */
export function createMemoryCache({ maxEntries = 50_000 }: { maxEntries?: number } = {}): Cache {
  const entries = new Map<string, { value: string; expiresAt: number }>();

  const read = (key: string) => {
    const entry = entries.get(key);
    if (!entry) return null;
    if (entry.expiresAt <= Date.now()) {
      entries.delete(key);
      return null;
    }
    return entry;
  };

  return {
    name: 'memory',
    async get(key) {
      return read(key)?.value ?? null;
    },
    async set(key, value, ttlSeconds) {
      if (ttlSeconds <= 0) return;
      entries.delete(key);
      entries.set(key, { value, expiresAt: Date.now() + ttlSeconds * 1000 });
      if (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) entries.delete(oldest);
      }
    },
    async del(key) {
      entries.delete(key);
    },
    async incr(key) {
      const next = Number(read(key)?.value ?? 0) + 1;
      entries.set(key, { value: String(next), expiresAt: Number.POSITIVE_INFINITY });
      return next;
    },
    async ping() {},
    async close() {
      entries.clear();
    },
  };
}
