import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { Cache } from '../adapters/cache/types';
import { getJson, setJson } from '../adapters/cache/types';
import type { Embedder } from '../adapters/embedder/types';
import type { RetrievedChunk } from '../adapters/llm/types';
import type { VectorStore } from '../adapters/vector-store/types';
import type { Metrics } from '../metrics';
import { hybridSearch } from '../retrieval/hybrid';
import { clientGeneration } from './query-cache';

export interface RetrievalDeps {
  knex: Knex;
  cache: Cache;
  embedder: Embedder;
  vectorStore: VectorStore;
  metrics?: Metrics;
  queryCacheTtlSeconds: number;
}

/** How many candidates each half of hybrid retrieval offers to the fusion (measured in bench/retrieval-quality-offline.ts). */
const CANDIDATES = 20;

/**
 * Hybrid retrieval for one client (core/retrieval/hybrid.ts): dense search in the vector store and
 * BM25-style search over the client's chunks, fused, reranked by sentence evidence, filtered by a
 * relevance floor, top `topK`. Results are cached per client
 * and question until the client's documents change. The same function serves the chat path and
 * activities.
 */
export async function retrieve(
  deps: RetrievalDeps,
  { clientId, question, topK }: { clientId: string; question: string; topK: number },
): Promise<RetrievedChunk[]> {
  const generation = await clientGeneration(deps.cache, clientId);
  const cacheKey = `query:${clientId}:${generation}:${topK}:${createHash('sha256').update(question.trim().toLowerCase()).digest('base64url')}`;
  const cached = await getJson<RetrievedChunk[]>(deps.cache, cacheKey).catch(() => null);
  if (cached) {
    deps.metrics?.queryCacheHits.inc();
    return cached;
  }

  // The lexical half lives in the database: if it is down, answer from the vector store alone.
  let databaseDown = false;
  const fused = await hybridSearch({
    knex: deps.knex,
    vectorStore: timedVectorStore(deps),
    embedder: deps.embedder,
    clientId,
    question,
    limit: topK,
    candidatesPerSide: CANDIDATES,
    onLexicalError: () => {
      databaseDown = true;
    },
  });
  // Hits carry their filename (the lexical half joins live documents, the vector store keeps it
  // per point), so nothing is read again. A deleted document never answers: its chunks are made
  // inactive and its points deleted before its row goes.
  const results: RetrievedChunk[] = fused
    .filter((hit) => Boolean(hit.filename))
    .map((hit) => ({
      documentId: hit.documentId,
      filename: hit.filename!,
      chunkIndex: hit.chunkIndex,
      page: hit.page ?? null,
      score: Number(hit.score.toFixed(4)),
      text: hit.text,
    }));
  if (!databaseDown) await setJson(deps.cache, cacheKey, results, deps.queryCacheTtlSeconds).catch(() => undefined);
  return results;
}

/** The vector store with its searches timed for `vector_search_duration_seconds{store}`. */
function timedVectorStore(deps: RetrievalDeps): VectorStore {
  if (!deps.metrics) return deps.vectorStore;
  const { vectorStore, metrics } = deps;
  return Object.assign(Object.create(vectorStore) as VectorStore, {
    search: async (args: Parameters<VectorStore['search']>[0]) => {
      const stop = metrics.vectorSearchDuration.startTimer({ store: vectorStore.name });
      try {
        return await vectorStore.search(args);
      } finally {
        stop();
      }
    },
  });
}
