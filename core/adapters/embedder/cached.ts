import { createHash } from 'node:crypto';
import type { Cache } from '../cache/types';
import type { Metrics } from '../../metrics';
import type { Embedder } from './types';

const encode = (vector: number[]) => Buffer.from(new Float32Array(vector).buffer).toString('base64');
const decode = (value: string) => {
  const bytes = Buffer.from(value, 'base64');
  return Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4));
};

/**
 * Wraps an embedder with a cache keyed by model, dimensions and text hash; only the misses go
 * to the provider, in one request. A cache failure is treated as a miss.
 */
export function withEmbeddingCache({
  embedder,
  cache,
  ttlSeconds,
  metrics,
}: {
  embedder: Embedder;
  cache: Cache;
  ttlSeconds: number;
  metrics?: Metrics;
}): Embedder {
  // Query vectors of asymmetric models differ from passage vectors of the same text.
  const keyOf = (text: string, inputType?: string) =>
    `emb:${embedder.model}:${embedder.dimensions}:${inputType === 'query' ? 'q:' : ''}${createHash('sha256').update(text).digest('base64url')}`;

  return {
    model: embedder.model,
    dimensions: embedder.dimensions,
    maxBatchSize: embedder.maxBatchSize,
    async embed(texts, options) {
      const keys = texts.map((text) => keyOf(text, options?.inputType));
      const cached = await Promise.all(keys.map((key) => cache.get(key).catch(() => null)));
      const missing = texts.map((_, index) => index).filter((index) => cached[index] === null);
      metrics?.embeddingCacheHits.inc(texts.length - missing.length);
      metrics?.embeddingCacheMisses.inc(missing.length);
      const fresh = missing.length
        ? await embedder.embed(
            missing.map((index) => texts[index]),
            options,
          )
        : [];
      await Promise.all(
        missing.map((index, position) =>
          cache.set(keys[index], encode(fresh[position]), ttlSeconds).catch(() => undefined),
        ),
      );
      const freshByIndex = new Map(missing.map((index, position) => [index, fresh[position]]));
      return texts.map((_, index) => freshByIndex.get(index) ?? decode(cached[index] as string));
    },
  };
}
