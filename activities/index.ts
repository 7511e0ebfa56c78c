import type { Container } from '../core/container';
import { createChatLogActivities } from './chat-log';
import { createIngestionActivities } from './ingestion';
import { createLoopActivities } from './loop';

/** Every activity the worker registers, built from the container's adapters. */
export function createActivities(container: Container) {
  return {
    ...createIngestionActivities({
      knex: container.db.knex,
      blobStore: container.blobStore,
      cache: container.cache,
      embedder: container.embedder,
      vectorStore: container.vectorStore,
      metrics: container.metrics,
      chunkTokens: container.config.CHUNK_TOKENS,
      chunkOverlapTokens: container.config.CHUNK_OVERLAP_TOKENS,
      parseTimeoutMs: container.config.PARSE_TIMEOUT_MS,
    }),
    ...createChatLogActivities({ knex: container.db.knex }),
    ...createLoopActivities(container),
  };
}
