import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The original design's metrics (docs/architecture.md, "The original design"), with `vector_search_duration_seconds{store}` standing for `qdrant_search_duration_seconds`. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    chatRequests: new Counter({
      name: 'chat_requests_total',
      help: 'Chat requests by client, tier and outcome',
      labelNames: ['client_id', 'tier', 'status'] as const,
      registers: [registry],
    }),
    chatLatency: new Histogram({
      name: 'chat_latency_seconds',
      help: 'Time from request to the end of the answer',
      labelNames: ['client_id', 'tier'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32],
      registers: [registry],
    }),
    timeToFirstToken: new Histogram({
      name: 'chat_time_to_first_token_seconds',
      help: 'Time from request to the first streamed token',
      labelNames: ['tier'] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8],
      registers: [registry],
    }),
    llmTokens: new Counter({
      name: 'llm_tokens_total',
      help: 'LLM tokens by model and type (input, output, cached)',
      labelNames: ['model', 'type'] as const,
      registers: [registry],
    }),
    vectorSearchDuration: new Histogram({
      name: 'vector_search_duration_seconds',
      help: 'Vector store search time',
      labelNames: ['store'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [registry],
    }),
    embeddingCacheHits: new Counter({
      name: 'embedding_cache_hits_total',
      help: 'Embedding cache hits',
      registers: [registry],
    }),
    embeddingCacheMisses: new Counter({
      name: 'embedding_cache_misses_total',
      help: 'Embedding cache misses',
      registers: [registry],
    }),
    queryCacheHits: new Counter({
      name: 'query_cache_hits_total',
      help: 'Retrieval query cache hits',
      registers: [registry],
    }),
    documentsIngested: new Counter({
      name: 'documents_ingested_total',
      help: 'Ingestion outcomes',
      labelNames: ['file_type', 'status'] as const,
      registers: [registry],
    }),
    httpRequests: new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests by route and status class',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
