import path from 'node:path';
import { z } from 'zod';

/**
 * The only reader of process.env. Defaults give the embedded mode: PostgreSQL 18 with pgvector
 * under DATA_DIR (run by the product), in-memory cache and rate limits, a Temporal dev server started by the app, the local
 * embedder and the local answerer. Parsed once at start-up; a failure lists every bad key.
 */
const optionalString = z
  .string()
  .optional()
  .transform((value) => (value && value.trim() !== '' ? value.trim() : undefined));
const optionalUrl = optionalString.pipe(z.string().url().optional());
const port = z.coerce.number().int().min(0).max(65535);
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .optional()
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('0.0.0.0'),
  PORT: port.default(5000),
  PUBLIC_URL: optionalUrl,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** auto: colourised single lines on a terminal, JSON lines otherwise (see core/logger.ts). */
  LOG_FORMAT: z.enum(['auto', 'pretty', 'json']).default('auto'),
  DATA_DIR: z.string().default('./.data'),

  DATABASE_URL: optionalUrl,
  PGLITE_PORT: port.default(0),
  EMBEDDED_DATABASE: z.enum(['postgres', 'pglite']).default('postgres'),
  EMBEDDED_POSTGRES_PORT: port.default(0),
  EMBEDDED_POSTGRES_BIN_DIR: optionalString,
  REDIS_URL: optionalUrl,
  QDRANT_URL: optionalUrl,
  QDRANT_API_KEY: optionalString,
  QDRANT_COLLECTION: z.string().default('chatconnect_chunks'),
  VECTOR_STORE: z.enum(['auto', 'pgvector', 'qdrant']).default('auto'),

  TEMPORAL_ADDRESS: optionalString,
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('chatconnect'),
  TEMPORAL_DEV_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  TEMPORAL_UI_URL: optionalUrl,
  TEMPORAL_CLI_PATH: optionalString,
  TEMPORAL_UI_PUBLIC: bool,

  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: optionalUrl,
  ANTHROPIC_API_KEY: optionalString,
  ANTHROPIC_BASE_URL: optionalUrl,
  LLM_PROVIDER: z.enum(['auto', 'local', 'openai', 'anthropic']).default('auto'),
  LLM_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
  FREE_TIER_MODEL: z.string().default('gpt-4o-mini'),
  PAID_TIER_MODEL: z.string().default('claude-sonnet-4-5'),

  EMBEDDING_PROVIDER: z.enum(['auto', 'local', 'openai']).default('auto'),
  EMBEDDING_MODEL: z.string().default('text-embedding-3-large'),
  EMBEDDING_DIMENSIONS: z.coerce.number().int().positive().optional(),
  EMBEDDING_BASE_URL: optionalUrl,
  EMBEDDING_SEND_INPUT_TYPE: bool,
  EMBEDDING_BATCH_SIZE: z.coerce.number().int().min(1).max(2048).default(64),
  LOCAL_EMBEDDING_DIMENSIONS: z.coerce.number().int().min(64).max(2000).default(1024),

  SESSION_SECRET: optionalString,
  INTERNAL_API_SECRET: optionalString,
  MAX_FILE_SIZE: z.coerce
    .number()
    .int()
    .positive()
    .default(10 * 1024 * 1024),
  UPLOAD_DIR: optionalString,
  PARSE_TIMEOUT_MS: z.coerce.number().int().positive().default(45_000),

  CHUNK_TOKENS: z.coerce.number().int().min(50).max(4000).default(500),
  CHUNK_OVERLAP_TOKENS: z.coerce.number().int().min(0).max(1000).default(50),
  RETRIEVAL_TOP_K: z.coerce.number().int().min(1).max(50).default(5),
  QUERY_CACHE_TTL_SECONDS: z.coerce.number().int().min(0).default(300),
  EMBEDDING_CACHE_TTL_SECONDS: z.coerce.number().int().min(0).default(3600),
  API_KEY_CACHE_TTL_SECONDS: z.coerce.number().int().min(0).max(60).default(5),

  RATE_LIMIT_FREE_PER_MINUTE: z.coerce.number().int().positive().default(100),
  RATE_LIMIT_PAID_PER_MINUTE: z.coerce.number().int().positive().default(1000),
  RATE_LIMIT_VISITOR_PER_MINUTE: z.coerce.number().int().positive().default(20),
  /** Prefix of the rate limiters' Redis keys, so deployments (or test runs) sharing one Redis keep their counts apart. */
  RATE_LIMIT_KEY_PREFIX: z.string().max(100).default(''),
  RATE_LIMIT_IP_PER_MINUTE: z.coerce.number().int().positive().default(2000),

  TRUST_PROXY: bool,
  /** Whether tenants pick their own plan; unset: yes outside production, no in production (plans are the operator's). */
  SELF_SERVE_TIERS: z.enum(['true', 'false', '1', '0', 'yes', 'no']).optional(),
  SECURE_COOKIES: z.enum(['auto', 'true', 'false']).default('auto'),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(1000).default(14_000),
  METRICS_PORT: port.default(9464),
  METRICS_HOST: z.string().default('127.0.0.1'),

  ALLOW_PRIVATE_URLS: bool,
  WEBHOOK_RETRY_INITIAL_SECONDS: z.coerce.number().positive().default(2),
  WEBHOOK_RETRY_MAX_INTERVAL_SECONDS: z.coerce.number().positive().default(3600),
  WEBHOOK_GIVE_UP_HOURS: z.coerce.number().positive().default(24),
  CRAWL_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  CRAWL_FETCH_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
});

export type RawConfig = z.infer<typeof configSchema>;

export interface Config extends Omit<RawConfig, 'SELF_SERVE_TIERS'> {
  /** Tenants' tier choices take effect at once (true) or are recorded as upgrade requests for the operator (false). */
  SELF_SERVE_TIERS: boolean;
  dataDir: string;
  uploadDir: string;
  /** The URL visitors and admins reach this deployment at. */
  publicUrl: string;
  temporalUiUrl: string;
  sessionSecret: string;
  startTemporalDevServer: boolean;
  vectorStore: 'pgvector' | 'qdrant';
  embeddingProvider: 'local' | 'openai';
}

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((issue) => `  - ${issue}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const raw = parsed.data;
  const issues: string[] = [];
  if (raw.NODE_ENV === 'production' && !raw.SESSION_SECRET) {
    issues.push('SESSION_SECRET: required in production (a long random string)');
  }
  if (raw.VECTOR_STORE === 'qdrant' && !raw.QDRANT_URL) issues.push('QDRANT_URL: required when VECTOR_STORE=qdrant');
  if (raw.EMBEDDING_PROVIDER === 'openai' && !raw.OPENAI_API_KEY && !raw.EMBEDDING_BASE_URL) {
    issues.push('OPENAI_API_KEY or EMBEDDING_BASE_URL: required when EMBEDDING_PROVIDER=openai');
  }
  if (raw.LLM_PROVIDER === 'openai' && !raw.OPENAI_API_KEY && !raw.OPENAI_BASE_URL) {
    issues.push('OPENAI_API_KEY or OPENAI_BASE_URL: required when LLM_PROVIDER=openai');
  }
  if (raw.LLM_PROVIDER === 'anthropic' && !raw.ANTHROPIC_API_KEY) {
    issues.push('ANTHROPIC_API_KEY: required when LLM_PROVIDER=anthropic');
  }
  if (raw.SHUTDOWN_GRACE_MS >= raw.SHUTDOWN_TIMEOUT_MS)
    issues.push('SHUTDOWN_GRACE_MS: must be smaller than SHUTDOWN_TIMEOUT_MS (the hard limit on shutting down)');
  if (raw.CHUNK_OVERLAP_TOKENS >= raw.CHUNK_TOKENS)
    issues.push('CHUNK_OVERLAP_TOKENS: must be smaller than CHUNK_TOKENS');
  if (issues.length) throw new ConfigError(issues);

  const dataDir = path.resolve(raw.DATA_DIR);
  const publicUrl = (raw.PUBLIC_URL ?? `http://localhost:${raw.PORT}`).replace(/\/$/, '');
  return {
    ...raw,
    SELF_SERVE_TIERS:
      raw.SELF_SERVE_TIERS === undefined
        ? raw.NODE_ENV !== 'production'
        : ['true', '1', 'yes'].includes(raw.SELF_SERVE_TIERS),
    dataDir,
    uploadDir: path.resolve(raw.UPLOAD_DIR ?? path.join(dataDir, 'uploads')),
    publicUrl,
    temporalUiUrl: (raw.TEMPORAL_UI_URL ?? `http://localhost:${raw.TEMPORAL_UI_PORT}`).replace(/\/$/, ''),
    // Without a configured secret, sessions are signed with a per-DATA_DIR secret created on first start (see container).
    sessionSecret: raw.SESSION_SECRET ?? '',
    startTemporalDevServer: !raw.TEMPORAL_ADDRESS,
    vectorStore: raw.VECTOR_STORE === 'auto' ? (raw.QDRANT_URL ? 'qdrant' : 'pgvector') : raw.VECTOR_STORE,
    embeddingProvider:
      raw.EMBEDDING_PROVIDER === 'auto'
        ? raw.OPENAI_API_KEY || raw.EMBEDDING_BASE_URL
          ? 'openai'
          : 'local'
        : raw.EMBEDDING_PROVIDER,
  };
}
