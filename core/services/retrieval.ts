import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { Cache } from '../adapters/cache/types';
import { getJson, setJson } from '../adapters/cache/types';
import type { Embedder } from '../adapters/embedder/types';
import type { RetrievedChunk } from '../adapters/llm/types';
import type { VectorStore } from '../adapters/vector-store/types';
import type { Metrics } from '../metrics';
import { hybridSearchWithPool } from '../retrieval/hybrid';
import { groundingFeatures, isGrounded, thresholdsFor, type GroundingFeatures } from '../retrieval/grounding';
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

export interface Retrieval {
  chunks: RetrievedChunk[];
  /** Whether the chunks speak about what was asked (core/retrieval/grounding.ts); false with no chunks. */
  grounded: boolean;
  features: GroundingFeatures;
}

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
): Promise<Retrieval> {
  const generation = await clientGeneration(deps.cache, clientId);
  const cacheKey = `query:v2:${clientId}:${generation}:${topK}:${createHash('sha256').update(question.trim().toLowerCase()).digest('base64url')}`;
  const cached = await getJson<Retrieval>(deps.cache, cacheKey).catch(() => null);
  if (cached) {
    deps.metrics?.queryCacheHits.inc();
    return cached;
  }

  // The lexical half lives in the database: if it is down, answer from the vector store alone.
  let databaseDown = false;
  const { hits: fused, pool } = await hybridSearchWithPool({
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
  // Web pages (filename = their URL) are cited by title: one read, only when pages are among the hits.
  const pageIds = [
    ...new Set(fused.filter((hit) => hit.filename && /^https?:\/\//i.test(hit.filename)).map((hit) => hit.documentId)),
  ];
  const pages =
    pageIds.length && !databaseDown ? await filenamesFor(deps.knex, clientId, pageIds).catch(() => null) : null;
  const results: RetrievedChunk[] = fused
    .filter((hit) => Boolean(hit.filename))
    .map((hit) => ({
      documentId: hit.documentId,
      filename: hit.filename!,
      ...webPage(pages?.get(hit.documentId)),
      chunkIndex: hit.chunkIndex,
      page: hit.page ?? null,
      score: Number(hit.score.toFixed(4)),
      text: hit.text,
    }));
  const features = groundingFeatures({ question, pool, top: Math.max(topK, 5) });
  const retrieval: Retrieval = {
    chunks: results,
    grounded: results.length > 0 && isGrounded(features, thresholdsFor(deps.embedder.model)),
    features,
  };
  if (!databaseDown) await setJson(deps.cache, cacheKey, retrieval, deps.queryCacheTtlSeconds).catch(() => undefined);
  return retrieval;
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

interface DocumentName {
  filename: string;
  fileType: string;
  title: string | null;
}

/** A web page (from a website source) is cited by its title and links to its URL (its filename). */
const webPage = (name: DocumentName | undefined) =>
  name?.fileType === 'html' ? { title: name.title, url: name.filename } : {};

async function filenamesFor(knex: Knex, clientId: string, documentIds: string[]): Promise<Map<string, DocumentName>> {
  if (documentIds.length === 0) return new Map();
  // Only documents that still exist and belong to the client: a deleted one never answers.
  const rows = await knex('documents')
    .where({ client_id: clientId })
    .whereIn('id', documentIds)
    .select('id', 'filename', 'file_type', 'title');
  return new Map(
    rows.map((row) => [
      row.id as string,
      {
        filename: row.filename as string,
        fileType: row.file_type as string,
        title: (row.title as string | null) ?? null,
      },
    ]),
  );
}
