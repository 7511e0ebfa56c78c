import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';
import type { Config } from './config';
import { openDatabase, type Database } from './db/connect';
import { migrateLatest } from './db/migrate';
import type { Logger } from './logger';
import { createMetrics, type Metrics } from './metrics';
import type { Cache } from './adapters/cache/types';
import { createMemoryCache } from './adapters/cache/memory';
import { createRedisCache, createRedisClient } from './adapters/cache/redis';
import type { BlobStore } from './adapters/blob-store/types';
import { createFilesystemBlobStore } from './adapters/blob-store/filesystem';
import type { Embedder } from './adapters/embedder/types';
import { createLocalEmbedder } from './adapters/embedder/local';
import { withEmbeddingCache } from './adapters/embedder/cached';
import type { VectorStore } from './adapters/vector-store/types';
import { createPgvectorStore } from './adapters/vector-store/pgvector';
import { createQdrantStore } from './adapters/vector-store/qdrant';
import { createLlmRegistry, type LlmRegistry } from './adapters/llm/registry';
import { createRateLimiter, type RateLimiter } from './adapters/rate-limit/limiter';
import { vectorTableFor } from './services/embedding-migration';
import type { WorkflowGateway } from './ports/workflow-gateway';
import { createInvalidationBus, withBroadcastCounters, type InvalidationBus } from './adapters/invalidation';
import type { CrawlGateway } from './ports/crawl-gateway';
import { systemResolver, type NetworkPolicy } from './net/address-policy';

/** Every adapter, built once from config. Routes, loaders and activities receive what they need from here. */
export interface Container {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  db: Database;
  cache: Cache;
  redis?: Redis;
  blobStore: BlobStore;
  /** The configured embedder behind the embedding cache. */
  embedder: Embedder;
  vectorStore: VectorStore;
  llm: LlmRegistry;
  rateLimits: {
    freeClient: RateLimiter;
    paidClient: RateLimiter;
    visitor: RateLimiter;
    ip: RateLimiter;
    login: RateLimiter;
  };
  sessionSecret: string;
  /** Tells the other processes what changed (see core/adapters/invalidation/types.ts for the topics). */
  invalidation: InvalidationBus;
  /** Set once the Temporal client is connected (temporal/gateway.ts). */
  workflows?: WorkflowGateway;
  /** Crawls of website sources and their schedules, set with `workflows` (temporal/crawl-gateway.ts). */
  crawls?: CrawlGateway;
  /** Where server-side requests (crawls) may go: ALLOW_PRIVATE_URLS and the DNS resolver. */
  network: NetworkPolicy;
  close(): Promise<void>;
}

export async function createContainer({
  config,
  logger,
  migrate = true,
}: {
  config: Config;
  logger: Logger;
  migrate?: boolean;
}): Promise<Container> {
  mkdirSync(config.dataDir, { recursive: true });
  const metrics = createMetrics();
  const db = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.dataDir,
    embedded: config.EMBEDDED_DATABASE,
    pglitePort: config.PGLITE_PORT,
    postgresPort: config.EMBEDDED_POSTGRES_PORT,
    postgresBinDir: config.EMBEDDED_POSTGRES_BIN_DIR,
    logger,
  });
  try {
    if (migrate) await migrateLatest(db.knex);
  } catch (error) {
    await db.close();
    throw error;
  }

  const redis = config.REDIS_URL ? createRedisClient(config.REDIS_URL) : undefined;
  redis?.on('error', (error) => logger.warn({ err: error.message }, 'redis error'));
  const invalidation = await createInvalidationBus({ redis, db, logger });
  // Without Redis each process caches on its own; generations then move in all of them through the bus.
  const cache = redis ? createRedisCache({ redis }) : withBroadcastCounters(createMemoryCache(), invalidation);

  // The OpenAI SDK is loaded only when it is used.
  const baseEmbedder =
    config.embeddingProvider === 'openai'
      ? (await import('./adapters/embedder/openai')).createOpenAiEmbedder({
          apiKey: config.OPENAI_API_KEY ?? 'not-needed',
          baseURL: config.EMBEDDING_BASE_URL ?? config.OPENAI_BASE_URL,
          model: config.EMBEDDING_MODEL,
          dimensions: config.EMBEDDING_DIMENSIONS,
          maxBatchSize: config.EMBEDDING_BATCH_SIZE,
          sendInputType: config.EMBEDDING_SEND_INPUT_TYPE,
        })
      : createLocalEmbedder({ dimensions: config.LOCAL_EMBEDDING_DIMENSIONS });
  const embedder = withEmbeddingCache({
    embedder: baseEmbedder,
    cache,
    ttlSeconds: config.EMBEDDING_CACHE_TTL_SECONDS,
    metrics,
  });

  const vectorStore =
    config.vectorStore === 'qdrant'
      ? createQdrantStore({
          url: config.QDRANT_URL!,
          apiKey: config.QDRANT_API_KEY,
          collection: config.QDRANT_COLLECTION,
        })
      : createPgvectorStore({ knex: db.knex, table: vectorTableFor(embedder.model, embedder.dimensions) });
  await vectorStore.ensureReady(embedder.dimensions);

  const minute = 60;
  const rateLimits = {
    freeClient: createRateLimiter({
      redis,
      keyPrefix: `${config.RATE_LIMIT_KEY_PREFIX}rl:client:free`,
      points: config.RATE_LIMIT_FREE_PER_MINUTE,
      durationSeconds: minute,
    }),
    paidClient: createRateLimiter({
      redis,
      keyPrefix: `${config.RATE_LIMIT_KEY_PREFIX}rl:client:paid`,
      points: config.RATE_LIMIT_PAID_PER_MINUTE,
      durationSeconds: minute,
    }),
    visitor: createRateLimiter({
      redis,
      keyPrefix: `${config.RATE_LIMIT_KEY_PREFIX}rl:visitor`,
      points: config.RATE_LIMIT_VISITOR_PER_MINUTE,
      durationSeconds: minute,
    }),
    ip: createRateLimiter({
      redis,
      keyPrefix: `${config.RATE_LIMIT_KEY_PREFIX}rl:ip`,
      points: config.RATE_LIMIT_IP_PER_MINUTE,
      durationSeconds: minute,
    }),
    login: createRateLimiter({
      redis,
      keyPrefix: `${config.RATE_LIMIT_KEY_PREFIX}rl:login`,
      points: 10,
      durationSeconds: 15 * minute,
    }),
  };

  return {
    config,
    logger,
    metrics,
    db,
    cache,
    redis,
    blobStore: createFilesystemBlobStore({ directory: config.uploadDir }),
    embedder,
    vectorStore,
    llm: createLlmRegistry(config),
    rateLimits,
    invalidation,
    network: { allowPrivate: config.ALLOW_PRIVATE_URLS, resolve: systemResolver },
    sessionSecret: config.sessionSecret || loadOrCreateLocalSecret(config.dataDir),
    async close() {
      await vectorStore.close?.();
      await cache.close();
      await invalidation.close();
      await db.close();
    },
  };
}

/** In the embedded mode a secret is made once per DATA_DIR, so sessions survive restarts without configuration. */
function loadOrCreateLocalSecret(dataDir: string): string {
  const file = path.join(dataDir, 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
