import knexFactory, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import pg from 'pg';
import { runVectorStoreContract } from '../../core/adapters/vector-store/contract';
import { createPgvectorStore } from '../../core/adapters/vector-store/pgvector';
import { withDatabase } from '../setup/global-setup';

/**
 * The vector-store contract on real PostgreSQL 18 with pgvector: the run's server (global setup),
 * in a database of this file's own. Production's combination, never skipped.
 */
describe("pgvector on PostgreSQL 18 (the run's server)", () => {
  const database = `cc_pgvector_${process.pid}_${Date.now()}`;
  let knex: Knex;
  let tableCount = 0;

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: inject('databaseAdminUrl') });
    await admin.connect();
    await admin.query(`create database ${database}`);
    await admin.end();
    knex = knexFactory({
      client: 'pg',
      connection: withDatabase(inject('databaseAdminUrl'), database),
      pool: { min: 0, max: 8 },
    });
  });

  afterAll(async () => {
    await knex?.destroy();
    const admin = new pg.Client({ connectionString: inject('databaseAdminUrl') });
    await admin.connect();
    await admin.query(`drop database if exists ${database} with (force)`);
    await admin.end();
  });

  it('runs on a server with pgvector 0.8 or newer', async () => {
    await knex.raw('create extension if not exists vector');
    const { rows } = await knex.raw<{ rows: Array<{ extversion: string; server: string }> }>(
      `select extversion, current_setting('server_version') as server from pg_extension where extname = 'vector'`,
    );
    expect(Number(rows[0].server.split('.')[0])).toBeGreaterThanOrEqual(18);
    const [major, minor] = rows[0].extversion.split('.').map(Number);
    expect(major > 0 || minor >= 8).toBe(true);
  });

  runVectorStoreContract('pgvector (PostgreSQL 18)', async () => {
    const table = `chunk_vectors_contract_${++tableCount}`;
    return {
      store: createPgvectorStore({ knex, table }),
      cleanup: async () => {
        await knex.raw('drop table if exists ??', [table]);
      },
    };
  });
});
