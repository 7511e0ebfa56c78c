import type { Knex } from 'knex';
import { withTenant } from '../db/tenant';
import type { Embedder } from '../adapters/embedder/types';
import type { VectorStore } from '../adapters/vector-store/types';
import { fuseRankings, type FusedChunk } from './fuse';
import { lexicalSearch } from './lexical';
import { applyRelevanceFloor, DEFAULT_RELEVANCE_FLOOR } from './relevance';
import { rerankBySentenceEvidence } from './rerank';

/**
 * One question's retrieval, in the order measured by bench/retrieval-quality-offline.ts:
 * dense (vector store) and lexical (Postgres BM25) candidates in parallel → weighted fusion →
 * sentence-evidence rerank → relevance floor → the best `limit`. Both sides filter on the client.
 */

export interface HybridSearchArgs {
  knex: Knex;
  vectorStore: VectorStore;
  embedder: Embedder;
  clientId: string;
  question: string;
  /** Chunks to return at most. */
  limit?: number;
  /** Candidates each side contributes before fusion. */
  candidatesPerSide?: number;
  relevanceFloor?: number;
  /** Provide when the caller already embedded the question (e.g. from a cache). */
  questionVector?: number[];
  signal?: AbortSignal;
  /**
   * When given, a failing lexical half (it lives in the database) is reported here and the
   * search goes on with the dense half alone, instead of failing.
   */
  onLexicalError?: (error: unknown) => void;
}

export type HybridHit = FusedChunk & { sentenceScore: number };

/** The best `limit` chunks of `question` (see hybridSearchWithPool). */
export async function hybridSearch(args: HybridSearchArgs): Promise<HybridHit[]> {
  return (await hybridSearchWithPool(args)).hits;
}

/**
 * The best `limit` hits and the whole reranked candidate pool above the floor (up to
 * 2 × candidatesPerSide), which the grounded decision reads its statistics from.
 */
export async function hybridSearchWithPool({
  knex,
  vectorStore,
  embedder,
  clientId,
  question,
  limit = 5,
  candidatesPerSide = 20,
  relevanceFloor = DEFAULT_RELEVANCE_FLOOR,
  questionVector,
  signal,
  onLexicalError,
}: HybridSearchArgs): Promise<{ hits: HybridHit[]; pool: HybridHit[] }> {
  if (question.trim() === '' || limit <= 0) return { hits: [], pool: [] };
  const densePromise = (async () => {
    const vector = questionVector ?? (await embedder.embed([question], { signal, inputType: 'query' }))[0];
    return vectorStore.search({ clientId, vector, limit: candidatesPerSide });
  })();
  const [dense, lexical] = await Promise.all([
    densePromise,
    // Read as the tenant (withTenant): row-level security backs lexicalSearch's client filter.
    withTenant(knex, clientId, (trx) =>
      lexicalSearch(trx, { clientId, query: question, limit: candidatesPerSide }),
    ).catch((error) => {
      if (!onLexicalError) throw error;
      onLexicalError(error);
      return [];
    }),
  ]);
  signal?.throwIfAborted();

  const fused = fuseRankings({ dense, lexical, limit: candidatesPerSide * 2 });
  const reranked = rerankBySentenceEvidence({ question, chunks: fused });
  const pool = applyRelevanceFloor(reranked, relevanceFloor);
  return { hits: pool.slice(0, limit), pool };
}
