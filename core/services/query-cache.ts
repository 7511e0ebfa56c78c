import type { Cache } from '../adapters/cache/types';

/**
 * Retrieval results are cached per client under a generation number; any document change bumps
 * the generation, so stale results are never read (they expire on their own).
 */
export const generationKey = (clientId: string) => `qgen:${clientId}`;

export async function clientGeneration(cache: Cache, clientId: string): Promise<string> {
  return (await cache.get(generationKey(clientId)).catch(() => null)) ?? '0';
}

export async function bumpClientGeneration(cache: Cache, clientId: string): Promise<void> {
  await cache.incr(generationKey(clientId)).catch(() => undefined);
}
