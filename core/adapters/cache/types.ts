/** A small key-value cache with TTLs. Backends: Redis when REDIS_URL is set, memory otherwise. */
export interface Cache {
  readonly name: 'redis' | 'memory';
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  del(key: string): Promise<void>;
  /** Atomically increments an integer counter (no TTL); used for cache generations. */
  incr(key: string): Promise<number>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export async function getJson<T>(cache: Cache, key: string): Promise<T | null> {
  const raw = await cache.get(key);
  return raw === null ? null : (JSON.parse(raw) as T);
}

export async function setJson(cache: Cache, key: string, value: unknown, ttlSeconds: number): Promise<void> {
  await cache.set(key, JSON.stringify(value), ttlSeconds);
}
