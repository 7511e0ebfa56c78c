import type { Redis } from 'ioredis';
import type { Logger } from '../../logger';
import { createDispatcher, type InvalidationBus } from './types';

export const INVALIDATION_REDIS_CHANNEL = 'chatconnect:invalidation';

/**
 * The bus over Redis pub/sub: a duplicate connection subscribes (a subscribed connection can do
 * nothing else); publishing uses the shared one. After the subscriber reconnects, every
 * subscriber hears '*' (messages published meanwhile are lost; pub/sub does not queue).
 */
export async function createRedisInvalidationBus({
  redis,
  logger,
}: {
  redis: Redis;
  logger?: Logger;
}): Promise<InvalidationBus> {
  const dispatcher = createDispatcher((error) => logger?.error({ err: error }, 'invalidation handler failed'));
  // The shared client fails fast while Redis is away (no offline queue); the subscriber instead
  // queues its SUBSCRIBE until connected and resubscribes after every reconnect.
  const subscriber = redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null, autoResubscribe: true });
  subscriber.on('error', () => undefined);
  subscriber.on('message', (channel: string, message: string) => {
    if (channel === INVALIDATION_REDIS_CHANNEL) dispatcher.receive(message);
  });
  let readyOnce = false;
  subscriber.on('ready', () => {
    if (readyOnce) dispatcher.resetAll();
    readyOnce = true;
  });
  // Not awaited: with Redis down at start-up the subscription happens once it is reachable.
  subscriber
    .subscribe(INVALIDATION_REDIS_CHANNEL)
    .catch((error) => logger?.warn({ err: (error as Error).message }, 'invalidation subscribe failed'));
  return {
    kind: 'redis',
    async publish(topic, id) {
      dispatcher.deliver(topic, id);
      await redis.publish(INVALIDATION_REDIS_CHANNEL, dispatcher.encode(topic, id));
    },
    subscribe: dispatcher.subscribe,
    async close() {
      subscriber.disconnect();
    },
  };
}
