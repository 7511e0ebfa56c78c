import type { Container } from '../core/container';
import { createChatLogActivities } from './chat-log';
import { createCrawlActivities } from './crawl';
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
    ...createCrawlActivities({
      knex: container.db.knex,
      blobStore: container.blobStore,
      vectorStore: container.vectorStore,
      cache: container.cache,
      workflows: () => container.workflows,
      network: () => container.network,
      userAgent: `ChatConnectBot/1.0 (+${container.config.publicUrl})`,
      delayMs: container.config.CRAWL_DELAY_MS,
      timeoutMs: container.config.CRAWL_FETCH_TIMEOUT_MS,
      maxBytes: container.config.MAX_FILE_SIZE,
      logger: container.logger,
    }),
  };
}
