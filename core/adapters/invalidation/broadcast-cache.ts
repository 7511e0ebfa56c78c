import type { Cache } from '../cache/types';
import { INVALIDATION_TOPICS, type InvalidationBus } from './types';

/**
 * A process-local cache whose counters (query-cache generations) move in every process: `incr`
 * is published on the bus and every process, this one included, increments its own copy. The
 * values differ between processes, which is fine: a generation only has to change, so results
 * cached under the old one are never read again. With Redis the counters are shared and this
 * wrapper is not used. `'*'` (a reconnect) clears the local cache.
 */
export function withBroadcastCounters(cache: Cache, bus: InvalidationBus): Cache {
  bus.subscribe(INVALIDATION_TOPICS.cacheIncr, (key) => {
    if (key === '*') void cache.close();
    else void cache.incr(key);
  });
  return {
    ...cache,
    async incr(key) {
      await bus.publish(INVALIDATION_TOPICS.cacheIncr, key);
      return Number((await cache.get(key)) ?? 0);
    },
  };
}
