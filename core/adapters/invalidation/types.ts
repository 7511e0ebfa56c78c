import { randomUUID } from 'node:crypto';

/**
 * Topics published on the invalidation bus. `id` is what changed (a client id, a cache key);
 * `'*'` means "anything may have changed" and is delivered after a reconnect, when messages may
 * have been missed.
 */
export const INVALIDATION_TOPICS = {
  /** A client's API keys or key-visible settings changed (revoked key, new preview key, allowed domains, tier): id = clientId. */
  apiKeys: 'api-keys',
  /** A process-local counter (a query-cache generation) was incremented: id = the cache key. */
  cacheIncr: 'cache-incr',
} as const;

/**
 * Tells every process of a deployment that something it may cache has changed: the API processes,
 * the workers and the dashboard (which runs in the API processes). Backends: PostgreSQL
 * LISTEN/NOTIFY (no Redis configured), Redis pub/sub (REDIS_URL), in-process (PGlite: one process).
 */
export interface InvalidationBus {
  readonly kind: 'postgres' | 'redis' | 'local';
  /**
   * Delivers `id` on `topic` to the subscribers of every process, this one included (here before
   * `publish` resolves; elsewhere within milliseconds). Errors are the transport's (the change is
   * made anyway; other processes then catch up by their caches' TTLs).
   */
  publish(topic: string, id: string): Promise<void>;
  /** Calls `handler(id)` for each message on `topic`; returns the unsubscribe function. */
  subscribe(topic: string, handler: (id: string) => void): () => void;
  close(): Promise<void>;
}

/** The wire format: `{o: origin process, t: topic, i: id}` as JSON (well under NOTIFY's 8,000-byte limit). */
export interface WireMessage {
  o: string;
  t: string;
  i: string;
}

/** Local dispatch shared by the backends: subscribers per topic, this process's origin id, and decoding. */
export function createDispatcher(onHandlerError: (error: unknown) => void = () => undefined) {
  const origin = randomUUID();
  const handlers = new Map<string, Set<(id: string) => void>>();
  const deliver = (topic: string, id: string) => {
    for (const handler of handlers.get(topic) ?? []) {
      try {
        handler(id);
      } catch (error) {
        onHandlerError(error);
      }
    }
  };
  return {
    origin,
    deliver,
    encode: (topic: string, id: string) => JSON.stringify({ o: origin, t: topic, i: id } satisfies WireMessage),
    /** A message from the wire: delivered unless it is our own echo. */
    receive(raw: string) {
      try {
        const message = JSON.parse(raw) as WireMessage;
        if (message.o !== origin && typeof message.t === 'string' && typeof message.i === 'string')
          deliver(message.t, message.i);
      } catch {
        // Not ours: ignore.
      }
    },
    /** After a reconnect: every subscriber hears '*'. */
    resetAll() {
      for (const topic of handlers.keys()) deliver(topic, '*');
    },
    subscribe(topic: string, handler: (id: string) => void) {
      const set = handlers.get(topic) ?? new Set();
      handlers.set(topic, set);
      set.add(handler);
      return () => void set.delete(handler);
    },
  };
}

/** One process only (PGlite, unit tests): delivery is local. */
export function createLocalInvalidationBus(): InvalidationBus {
  const dispatcher = createDispatcher();
  return {
    kind: 'local',
    async publish(topic, id) {
      dispatcher.deliver(topic, id);
    },
    subscribe: dispatcher.subscribe,
    async close() {},
  };
}
