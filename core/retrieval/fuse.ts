/**
 * Merges the dense (vector) and lexical (BM25) rankings of one question into one list.
 *
 * Each side's score is first put on [0, 1]: cosine similarity is already bounded, and the lexical
 * side brings a `normalizedScore` (how much of the question's rare-word weight the chunk holds).
 * The fused score is their weighted mean, a chunk missing from one side scoring 0 there. Because
 * the inputs are absolute rather than rescaled per query, the fused score means the same thing
 * from one question to the next and can serve as a relevance floor. (Reciprocal-rank fusion was
 * measured too: it only knows ranks, so it cannot serve as a floor, and it ranked worse.)
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
  filename?: string | null;
}

export interface FusedChunk {
  id?: string;
  documentId: string;
  chunkIndex: number;
  text: string;
  page?: number | null;
  filename?: string | null;
  /** On [0, 1]; higher is more relevant. */
  score: number;
  /** The side's own [0, 1] score, 0 when that side did not return the chunk. */
  denseScore: number;
  lexicalScore: number;
  /** 1-based rank on each side, absent when that side did not return the chunk. */
  denseRank?: number;
  lexicalRank?: number;
}

/** Share of the fused score given to the dense side; chosen on bench/retrieval-quality-offline.ts. */
export const DEFAULT_DENSE_WEIGHT = 0.5;

export function fuseRankings({
  dense,
  lexical,
  limit,
  denseWeight = DEFAULT_DENSE_WEIGHT,
}: {
  dense: RankedChunk[];
  lexical: RankedChunk[];
  limit: number;
  denseWeight?: number;
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

  for (const entry of merged.values()) {
    entry.score = denseWeight * entry.denseScore + (1 - denseWeight) * entry.lexicalScore;
  }

  return [...merged.values()]
    .sort((a, b) => b.score - a.score || a.documentId.localeCompare(b.documentId) || a.chunkIndex - b.chunkIndex)
    .slice(0, Math.max(0, limit));
}

function sortedByScore(hits: RankedChunk[]): RankedChunk[] {
  return [...hits].sort((a, b) => b.score - a.score);
}

function clampUnit(value: number): number {
  if (!Number.isFinite(value)) return 0;
  return Math.min(1, Math.max(0, value));
}
