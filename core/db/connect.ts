import { mkdirSync } from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import type { Logger } from '../logger';
import { startEmbeddedPostgres } from './embedded-postgres';

// Return int8 (COUNT, SUM) as numbers: our counts stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value));
// DATE columns as 'YYYY-MM-DD' strings, never shifted by the process time zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);

export interface Database {
  knex: Knex;
  /** `postgres`: DATABASE_URL; `embedded-postgres`: the cluster under DATA_DIR/postgres run by this process; `pglite`: the fallback. */
  kind: 'postgres' | 'embedded-postgres' | 'pglite';
  /** Connection string other processes on this machine may use (the PGlite socket, or DATABASE_URL). */
  connectionString: string;
  close(): Promise<void>;
}

/**
 * PostgreSQL when a URL is given; otherwise the embedded PostgreSQL 18 with pgvector under
 * DATA_DIR/postgres, started here and stopped by `close()` (see embedded-postgres.ts); or, with
 * `embedded: 'pglite'`, PGlite (Postgres in WebAssembly, one process only) under DATA_DIR/pglite
 * served over a loopback socket. The same knex/pg code path runs against all three.
 */
export async function openDatabase({
  databaseUrl,
  dataDir,
  embedded = 'postgres',
  pglitePort = 0,
  postgresPort = 0,
  postgresBinDir,
  poolMax = 10,
  logger,
}: {
  databaseUrl?: string;
  dataDir?: string;
  embedded?: 'postgres' | 'pglite';
  pglitePort?: number;
  postgresPort?: number;
  postgresBinDir?: string;
  poolMax?: number;
  logger?: Logger;
}): Promise<Database> {
  if (databaseUrl) {
    const knex = createKnex(databaseUrl, poolMax, logger);
    return { knex, kind: 'postgres', connectionString: databaseUrl, close: () => knex.destroy() };
  }
  if (!dataDir) throw new Error('openDatabase: dataDir is required when no DATABASE_URL is given');
  if (embedded === 'pglite') return openPglite({ dataDir, port: pglitePort, logger });
  const server = await startEmbeddedPostgres({
    directory: path.join(dataDir, 'postgres'),
    port: postgresPort,
    binDir: postgresBinDir,
    logger,
  });
  const knex = createKnex(server.url, poolMax, logger);
  return {
    knex,
    kind: 'embedded-postgres',
    connectionString: server.url,
    async close() {
      await knex.destroy();
      await server.stop();
    },
  };
}

async function openPglite({
  dataDir,
  port,
  logger,
}: {
  dataDir: string;
  port: number;
  logger?: Logger;
}): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { vector } = await import('@electric-sql/pglite-pgvector');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const directory = path.join(dataDir, 'pglite');
  mkdirSync(directory, { recursive: true });
  const db = await PGlite.create(directory, { extensions: { vector } });
  // PGlite has one session for all connections. The socket server keeps a transaction to its
  // connection, but not an extended-protocol exchange (Parse/Bind/Execute/Sync): two pooled
  // connections interleaving those overwrite each other's unnamed prepared statement. So the app
  // uses one connection; PGlite runs one query at a time anyway. The spare socket slots are for
  // an operator's psql.
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port, maxConnections: 5 });
  await server.start();
  const address = server.getServerConn();
  const connectionString = `postgresql://postgres@${address}/postgres?sslmode=disable`;
  logger?.info({ directory }, 'embedded database (PGlite) started');
  const knex = createKnex(connectionString, 1, logger);
  return {
    knex,
    kind: 'pglite',
    connectionString,
    async close() {
      await knex.destroy();
      await server.stop();
      await db.close();
    },
  };
}

function createKnex(connectionString: string, poolMax: number, logger?: Logger): Knex {
  return knexFactory({
    // knex prints pool errors to the console by default; they belong in the structured log.
    log: {
      warn: (message: unknown) => logger?.warn({ knex: String(message) }, 'database warning'),
      error: (message: unknown) => logger?.error({ knex: String(message) }, 'database error'),
      deprecate: () => undefined,
      debug: () => undefined,
    },
    client: 'pg',
    connection: connectionString,
    pool: { min: 0, max: poolMax, idleTimeoutMillis: 30_000 },
    acquireConnectionTimeout: 15_000,
  });
}
