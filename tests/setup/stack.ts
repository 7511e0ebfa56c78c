import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { loadConfig, type Config } from '../../core/config';
import { createLogger } from '../../core/logger';
import { startStack, type Stack } from '../../api/stack';
import { startFakeQdrant } from '../fakes/qdrant-server';
import { TEST_REDIS_URL, withDatabase } from './global-setup';

export interface TestStack extends Stack {
  url: string;
  config: Config;
  close(): Promise<void>;
}

/**
 * A whole app (API + worker in this process) against real servers: a database cloned from the
 * migrated template on the run's PostgreSQL 18 with pgvector, vectors in pgvector (or, with
 * `vectorStore: 'qdrant'`, in the fake-but-wire-true Qdrant), or PGlite with pgvector; real Redis
 * unless `redis: false`; the run's Temporal dev server, on a task queue of its own so stacks never
 * take each other's work.
 */
export async function startTestStack({
  database = 'postgres',
  vectorStore = 'pgvector',
  redis = true,
  env = {},
  worker = true,
  dashboard = 'none',
  wrapDatabaseUrl,
}: {
  database?: 'postgres' | 'pglite';
  /** Where a `postgres` stack keeps vectors: pgvector in its database (the default), or a fake Qdrant. */
  vectorStore?: 'pgvector' | 'qdrant';
  redis?: boolean;
  env?: Record<string, string>;
  worker?: boolean;
  dashboard?: 'none' | 'build';
  /** Lets a test put something (a cuttable proxy) between the app and its database. */
  wrapDatabaseUrl?: (url: string) => Promise<string>;
} = {}): Promise<TestStack> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'chatconnect-test-'));
  const cleanups: Array<() => Promise<void>> = [async () => rmSync(dataDir, { recursive: true, force: true })];
  const vars: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: `test-${randomUUID()}`,
    SHUTDOWN_GRACE_MS: '1000',
    METRICS_PORT: '0',
    // Stacks share the machine's Redis (and one client address): each counts its own limits.
    RATE_LIMIT_KEY_PREFIX: `test-${randomUUID().slice(0, 8)}:`,
  };
  if (redis) vars.REDIS_URL = TEST_REDIS_URL;
  if (database === 'pglite') vars.EMBEDDED_DATABASE = 'pglite';
  if (database === 'postgres') {
    const template = inject('templateDatabase');
    const name = `${template.replace('cc_template_', 'cc_test_')}_${randomUUID().slice(0, 8)}`;
    const adminUrl = inject('databaseAdminUrl');
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database ${name} template ${template}`);
    await admin.end();
    vars.DATABASE_URL = withDatabase(adminUrl, name);
    if (wrapDatabaseUrl) vars.DATABASE_URL = await wrapDatabaseUrl(vars.DATABASE_URL);
    cleanups.push(async () => {
      const dropper = new pg.Client({ connectionString: adminUrl });
      await dropper.connect();
      await dropper.query(`drop database if exists ${name} with (force)`);
      await dropper.end();
    });
  }
  if (vectorStore === 'qdrant') {
    const qdrant = await startFakeQdrant();
    vars.QDRANT_URL = qdrant.url;
    cleanups.push(() => qdrant.close());
  }
  const config = loadConfig({ ...vars, ...env } as NodeJS.ProcessEnv);
  const logger = createLogger({ level: config.LOG_LEVEL });
  let stack: Stack;
  try {
    stack = await startStack({ config, logger, api: true, worker, devServer: false, dashboardMode: dashboard });
  } catch (error) {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    throw error;
  }
  return {
    ...stack,
    url: stack.http!.url,
    async close() {
      await stack.stop();
      for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    },
  };
}
