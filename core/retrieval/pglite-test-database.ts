import { PGlite } from '@electric-sql/pglite';
import { enableTenantRls, ensureTenantRole } from '../db/migrations/005-tenant-rls';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import knexFactory, { type Knex } from 'knex';

/**
 * An in-process PGlite (with pgvector) behind a loopback socket, reached through knex's real
 * `pg` client, holding the `chunks` table as the project's migration defines it. For tests and
 * the offline retrieval benchmark; the application runs its own migrations.
 */

export const CHUNKS_TABLE_DDL = `
create table documents (
  id uuid primary key,
  client_id uuid not null,
  filename text not null
);
create table chunks (
  id uuid primary key,
  client_id uuid not null, document_id uuid not null,
  version int not null, chunk_index int not null,
  text text not null, token_count int not null,
  page int, page_end int, row_start int, row_end int, heading text,
  embedding real[],
  active boolean not null default false,
  search_vector tsvector generated always as (to_tsvector('english', coalesce(heading,'') || ' ' || text)) stored,
  unique (document_id, version, chunk_index)
);
create index chunks_search_idx on chunks using gin (search_vector);
create index chunks_client_active_idx on chunks (client_id, active);
`;

export interface ChunkRow {
  id: string;
  client_id: string;
  document_id: string;
  version: number;
  chunk_index: number;
  text: string;
  token_count: number;
  page?: number | null;
  heading?: string | null;
  embedding?: number[] | null;
  active: boolean;
}

export interface PgliteChunksDatabase {
  knex: Knex;
  insertChunks(rows: ChunkRow[]): Promise<void>;
  close(): Promise<void>;
}

export async function startPgliteChunksDatabase(): Promise<PgliteChunksDatabase> {
  const db = await PGlite.create({ extensions: { vector } });
  await db.exec('create extension if not exists vector');
  await db.exec(CHUNKS_TABLE_DDL);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 8 });
  await server.start();
  const [host, port] = server.getServerConn().split(':');
  const knex = knexFactory({
    client: 'pg',
    connection: { host, port: Number(port), user: 'postgres', password: 'postgres', database: 'postgres' },
    pool: { min: 0, max: 4 },
  });
  // The same row-level security as migration 005, so lexical search runs as the tenant here too.
  await ensureTenantRole(knex);
  for (const table of ['documents', 'chunks']) await enableTenantRls(knex, table);
  return {
    knex,
    async insertChunks(rows) {
      // Batches keep each statement's bind-parameter count far below Postgres's 65,535 limit.
      for (let start = 0; start < rows.length; start += 200) {
        await knex('chunks').insert(rows.slice(start, start + 200));
      }
    },
    async close() {
      await knex.destroy();
      await server.stop();
      await db.close();
    },
  };
}
