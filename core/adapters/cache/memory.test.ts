import { describe, expect, it } from 'vitest';
import { createMemoryCache } from './memory';

describe('memory cache', () => {
  it('expires entries after their TTL and evicts the least recently used beyond the bound', async () => {
    const cache = createMemoryCache({ maxEntries: 2 });
    await cache.set('a', '1', 60);
    await cache.set('b', '2', 60);
    expect(await cache.get('a')).toBe('1'); // a is now the most recently used
    await cache.set('c', '3', 60);
    expect(await cache.get('b')).toBeNull();
    expect(await cache.get('a')).toBe('1');
    await cache.set('zero', 'x', 0);
    expect(await cache.get('zero')).toBeNull();
  });

  it('keeps counters apart from evictable entries', async () => {
    const cache = createMemoryCache({ maxEntries: 1 });
    expect(await cache.incr('generation')).toBe(1);
    for (let i = 0; i < 5; i += 1) await cache.set(`k${i}`, 'v', 60);
    expect(await cache.incr('generation')).toBe(2);
    expect(await cache.get('generation')).toBe('2');
    await cache.del('generation');
    expect(await cache.get('generation')).toBeNull();
  });
});
