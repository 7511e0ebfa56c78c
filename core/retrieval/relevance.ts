import type { FusedChunk } from './fuse';

/**
 * Which fused chunks are relevant enough to show the answerer. A question the documents do not
 * cover should reach the model with no context (so it says so) rather than with the least bad
 * chunks, which invite an invented answer.
 */

export interface RelevanceFloor {
  /** Fused score (on [0, 1]) below which a chunk is dropped. */
  minScore: number;
  /** Chunks scoring below this share of the best chunk's score are dropped too. */
  minShareOfBest: number;
}

/** Chosen on the offline benchmark's in-domain vs out-of-domain questions. */
export const DEFAULT_RELEVANCE_FLOOR: RelevanceFloor = { minScore: Number(process.env.FMIN ?? 0.3), minShareOfBest: Number(process.env.FSH ?? 0.5) };

export function applyRelevanceFloor<T extends Pick<FusedChunk, 'score'>>(
  chunks: T[],
  floor: RelevanceFloor = DEFAULT_RELEVANCE_FLOOR,
): T[] {
  const best = Math.max(0, ...chunks.map((chunk) => chunk.score));
  const threshold = Math.max(floor.minScore, best * floor.minShareOfBest);
  return chunks.filter((chunk) => chunk.score >= threshold);
}
