/**
 * Merges the dense (vector) and lexical (BM25) rankings of one question into one list.
 *
 * Each side's score is first put on [0, 1]: cosine similarity is already bounded, and the lexical
 * side brings a `normalizedScore` (how much of the question's rare-word weight the chunk holds).
 * The fused score is a weighted mean of the two plus a small reciprocal-rank term, so a chunk
 * both sides put on top wins, and either side alone can still surface a chunk the other missed.
 * Because the inputs are absolute rather than rescaled per query, the fused score means the same
 * thing from one question to the next and can serve as a relevance floor.
 */

export interface RankedChunk {
  documentId: string;
  chunkIndex: number;
  /** Dense: cosine similarity. Lexical: raw BM25 (only used if `normalizedScore` is absent). */
  score: number;
  /** Lexical hits: score on [0, 1]. */
  normalizedScore?: number;
  text: string;
  id?: string;
  page?: number | null;
  filename?: string;
}

export interface FusedChunk {
  id?: string;
  documentId: string;
  chunkIndex: number;
  text: string;
  page?: number | null;
  filename?: string;
  /** On [0, 1]; higher is more relevant. */
  score: number;
  /** The side's own [0, 1] score, 0 when that side did not return the chunk. */
  denseScore: number;
  lexicalScore: number;
  /** 1-based rank on each side, absent when that side did not return the chunk. */
  denseRank?: number;
  lexicalRank?: number;
}

export interface FusionWeights {
  /** Share of the weighted mean given to the dense side; the lexical side gets the rest. */
  dense: number;
  /** Share of the final score given to reciprocal-rank agreement. */
  rank: number;
  /** Reciprocal-rank constant: larger flattens the gap between rank 1 and rank 10. */
  rankConstant: number;
}

/** Chosen on the offline SQuAD benchmark (bench/retrieval-quality-offline.ts). */
export const DEFAULT_FUSION_WEIGHTS: FusionWeights = { dense: 0.5, rank: 0.2, rankConstant: 10 };

export function fuseRankings({
  dense,
  lexical,
  limit,
  weights = DEFAULT_FUSION_WEIGHTS,
}: {
  dense: RankedChunk[];
  lexical: RankedChunk[];
  limit: number;
  weights?: FusionWeights;
}): FusedChunk[] {
  const merged = new Map<string, FusedChunk>();
  const entryFor = (hit: RankedChunk): FusedChunk => {
    const key = `${hit.documentId}\u0000${hit.chunkIndex}`;
    let entry = merged.get(key);
    if (!entry) {
      entry = {
        id: hit.id,
        documentId: hit.documentId,
        chunkIndex: hit.chunkIndex,
        text: hit.text,
        page: hit.page,
        filename: hit.filename,
        score: 0,
        denseScore: 0,
        lexicalScore: 0,
      };
      merged.set(key, entry);
    }
    entry.id ??= hit.id;
    entry.filename ??= hit.filename;
    entry.page ??= hit.page;
    return entry;
  };

  sortedByScore(dense).forEach((hit, index) => {
    const entry = entryFor(hit);
    if (entry.denseRank !== undefined) return;
    entry.denseRank = index + 1;
    entry.denseScore = clampUnit(hit.score);
  });

  const lexicalMax = Math.max(0, ...lexical.map((hit) => hit.score));
  sortedByScore(lexical).forEach((hit, index) => {
    const entry = entryFor(hit);
    if (entry.lexicalRank !== undefined) return;
    entry.lexicalRank = index + 1;
    entry.lexicalScore = clampUnit(hit.normalizedScore ?? (lexicalMax > 0 ? hit.score / lexicalMax : 0));
  });

  const bestReciprocalRank = 2 / (weights.rankConstant + 1);
  for (const entry of merged.values()) {
    const meanScore = weights.dense * entry.denseScore + (1 - weights.dense) * entry.lexicalScore;
    const reciprocalRank =
      (reciprocal(entry.denseRank, weights.rankConstant) + reciprocal(entry.lexicalRank, weights.rankConstant)) /
      bestReciprocalRank;
    entry.score = (1 - weights.rank) * meanScore + weights.rank * reciprocalRank;
  }

  return [...merged.values()]
    .sort(
      (a, b) =>
        b.score - a.score ||
        a.documentId.localeCompare(b.documentId) ||
        a.chunkIndex - b.chunkIndex,
    )
    .slice(0, Math.max(0, limit));
}

function reciprocal(rank: number | undefined, constant: number): number {
  return rank === undefined ? 0 : 1 / (constant + rank);
}

function sortedByScore(hits: RankedChunk[]): RankedChunk[] {
  return [...hits].sort((a, b) => b.score - a.score);
}

function clampUnit(value: number): number {
  if (!Number.isFinite(value)) return 0;
  return Math.min(1, Math.max(0, value));
}
