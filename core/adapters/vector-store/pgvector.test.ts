import { randomUUID } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import knexFactory, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../errors';
import { axisVector, makePoint, runVectorStoreContract } from './contract';
import { createPgvectorStore } from './pgvector';

interface PgliteDatabase {
  knex: Knex;
  connectionString: string;
  close(): Promise<void>;
}

/** PGlite served over the Postgres wire protocol, so the adapter runs through knex + pg as in production. */
async function startPglite({ withVector }: { withVector: boolean }): Promise<PgliteDatabase> {
  const db = await PGlite.create(withVector ? { extensions: { vector } } : {});
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 20 });
  await server.start();
  const connectionString = `postgresql://postgres@${server.getServerConn()}/postgres?sslmode=disable`;
  const knex = connect(connectionString);
  return {
    knex,
    connectionString,
    async close() {
      await knex.destroy();
      await server.stop();
      await db.close();
    },
  };
}

function connect(connectionString: string, poolMax = 5): Knex {
  return knexFactory({ client: 'pg', connection: connectionString, pool: { min: 0, max: poolMax } });
}

let tableCounter = 0;
const uniqueTable = () => `chunk_vectors_t${process.pid}_${tableCounter++}`;

/** The last search statement knex sent, with `?` placeholders so it can be re-run under EXPLAIN. */
function recordSearches(knex: Knex): () => { sql: string; bindings: readonly unknown[] } {
  const seen: Array<{ sql: string; bindings: readonly unknown[] }> = [];
  knex.on('query', (query: { sql: string; bindings?: readonly unknown[] }) => {
    // The search is one multi-statement query (settings; search): keep its last statement.
    if (/order by/i.test(query.sql))
      seen.push({ sql: query.sql.split(';').at(-1)!.trim().replace(/\$\d+/g, '?'), bindings: query.bindings ?? [] });
  });
  return () => {
    const last = seen.at(-1);
    if (!last) throw new Error('no search statement was sent');
    return last;
  };
}

/**
 * The plan of `statement` when only the ANN index could serve it. On tiny tables the planner rightly
 * prefers the b-tree or a scan; dropping the b-tree inside a rolled-back transaction asks whether the
 * HNSW index matches the statement's ORDER BY expression at all.
 */
async function explainWithVectorIndexOnly(
  knex: Knex,
  table: string,
  statement: { sql: string; bindings: readonly unknown[] },
): Promise<string> {
  const trx = await knex.transaction();
  try {
    await trx.raw('set local enable_seqscan = off');
    await trx.raw('drop index if exists ??', [`${table}_client_document_idx`]);
    const { rows } = await trx.raw<{ rows: Array<{ 'QUERY PLAN': string }> }>(
      `explain ${statement.sql}`,
      statement.bindings as Knex.RawBinding[],
    );
    return rows.map((row) => row['QUERY PLAN']).join('\n');
  } finally {
    await trx.rollback();
  }
}

describe('pgvector on PGlite', () => {
  let database: PgliteDatabase;
  let lastSearch: () => { sql: string; bindings: readonly unknown[] };

  beforeAll(async () => {
    database = await startPglite({ withVector: true });
    lastSearch = recordSearches(database.knex);
  });

  afterAll(async () => {
    await database?.close();
  });

  runVectorStoreContract('pgvector (PGlite)', async () => {
    const table = uniqueTable();
    return {
      store: createPgvectorStore({ knex: database.knex, table }),
      cleanup: async () => {
        await database.knex.raw('drop table if exists ??', [table]);
      },
    };
  });

  it('builds an HNSW cosine index that the search statement can use', async () => {
    const table = uniqueTable();
    const store = createPgvectorStore({ knex: database.knex, table });
    await store.ensureReady(8);
    const { rows } = await database.knex.raw<{ rows: Array<{ indexdef: string }> }>(
      'select indexdef from pg_indexes where tablename = ?',
      [table],
    );
    const definitions = rows.map((row) => row.indexdef).join('\n');
    expect(definitions).toMatch(/USING hnsw \(embedding vector_cosine_ops\)/);
    expect(definitions).toMatch(/\(client_id, document_id, active\)/);

    await store.search({ clientId: randomUUID(), vector: axisVector(0), limit: 3 });
    expect(await explainWithVectorIndexOnly(database.knex, table, lastSearch())).toContain(`${table}_embedding_idx`);
    await database.knex.raw('drop table ??', [table]);
  });

  it('indexes vectors wider than 2,000 dimensions as halfvec and still finds the nearest', async () => {
    const table = uniqueTable();
    const store = createPgvectorStore({ knex: database.knex, table });
    const dimensions = 3072;
    await store.ensureReady(dimensions);
    const { rows } = await database.knex.raw<{ rows: Array<{ indexdef: string }> }>(
      'select indexdef from pg_indexes where tablename = ?',
      [table],
    );
    expect(rows.map((row) => row.indexdef).join('\n')).toMatch(
      /hnsw \(\(\(embedding\)::halfvec\(3072\)\) halfvec_cosine_ops\)/,
    );

    const clientId = randomUUID();
    const documentId = randomUUID();
    const points = [0, 1, 2].map((axis) =>
      makePoint({ clientId, documentId, version: 1, chunkIndex: axis, vector: axisVector(axis * 1000, 0, dimensions) }),
    );
    await store.upsert(points);
    await store.activateVersion({ clientId, documentId, version: 1 });
    const hits = await store.search({ clientId, vector: axisVector(1000, 0, dimensions), limit: 2 });
    expect(hits[0].id).toBe(points[1].id);
    expect(hits[0].score).toBeCloseTo(1, 3);
    expect(await explainWithVectorIndexOnly(database.knex, table, lastSearch())).toContain(`${table}_embedding_idx`);
    await database.knex.raw('drop table ??', [table]);
  });

  it("fills a small tenant's results from the HNSW index even when a big tenant crowds the graph", async () => {
    const table = uniqueTable();
    const setup = createPgvectorStore({ knex: database.knex, table });
    await setup.ensureReady(8);
    const [big, small] = [randomUUID(), randomUUID()];
    const [bigDocument, smallDocument] = [randomUUID(), randomUUID()];
    // 1,000 of the big tenant's points sit right next to the query; the small tenant's five are far away.
    await setup.upsert(
      Array.from({ length: 1000 }, (_, index) =>
        makePoint({
          clientId: big,
          documentId: bigDocument,
          version: 1,
          chunkIndex: index,
          vector: axisVector(0, index + 1),
        }),
      ),
    );
    await setup.activateVersion({ clientId: big, documentId: bigDocument, version: 1 });
    await setup.upsert(
      Array.from({ length: 5 }, (_, index) =>
        makePoint({
          clientId: small,
          documentId: smallDocument,
          version: 1,
          chunkIndex: index,
          vector: axisVector(7, index + 1),
        }),
      ),
    );
    await setup.activateVersion({ clientId: small, documentId: smallDocument, version: 1 });
    // Without the b-tree the planner would pick for so selective a filter, only the graph can serve it.
    await database.knex.raw('drop index ??', [`${table}_client_document_idx`]);
    await database.knex.raw('analyze ??', [table]);

    // PGlite has one session behind every connection, so a session setting reaches the store's
    // transaction; a single-connection pool keeps it from leaking into anything else running here.
    const pinned = connect(database.connectionString, 1);
    const store = createPgvectorStore({ knex: pinned, table });
    const pinnedSearches = recordSearches(pinned);
    try {
      await pinned.raw('set enable_seqscan = off');
      const hits = await store.search({ clientId: small, vector: axisVector(0), limit: 5 });
      expect(hits).toHaveLength(5);
      expect(hits.every((hit) => hit.documentId === smallDocument)).toBe(true);
      const statement = pinnedSearches();
      expect(await explainWithVectorIndexOnly(pinned, table, statement)).toContain(`${table}_embedding_idx`);

      // The same statement without the iterative scan loses the small tenant: this is what the setting buys.
      const withoutIterativeScan = await pinned.transaction(async (trx) => {
        await trx.raw(`set local hnsw.iterative_scan = off`);
        const { rows } = await trx.raw<{ rows: unknown[] }>(statement.sql, statement.bindings as Knex.RawBinding[]);
        return rows.length;
      });
      expect(withoutIterativeScan).toBeLessThan(5);
    } finally {
      await pinned.raw('reset enable_seqscan');
      await pinned.destroy();
      await database.knex.raw('drop table ??', [table]);
    }
  });

  it('refuses a table whose embedding column is not a vector', async () => {
    const table = uniqueTable();
    await database.knex.raw('create table ?? (id uuid primary key, embedding text)', [table]);
    const error = await createPgvectorStore({ knex: database.knex, table })
      .ensureReady(8)
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'vector_store_schema_mismatch' });
    await database.knex.raw('drop table ??', [table]);
  });

  it('lets two stores race through ensureReady on the same table', async () => {
    const table = uniqueTable();
    const stores = [
      createPgvectorStore({ knex: database.knex, table }),
      createPgvectorStore({ knex: database.knex, table }),
    ];
    await Promise.all(stores.map((store) => store.ensureReady(8)));
    await database.knex.raw('drop table ??', [table]);
  });

  it('rejects a table name that is not a plain identifier', () => {
    expect(() => createPgvectorStore({ knex: database.knex, table: 'chunks; drop table users' })).toThrow(/identifier/);
  });
});

describe('pgvector on a database without the extension', () => {
  let database: PgliteDatabase;

  beforeAll(async () => {
    database = await startPglite({ withVector: false });
  });

  afterAll(async () => {
    await database?.close();
  });

  it('tells the operator to install pgvector or set QDRANT_URL', async () => {
    const error = await createPgvectorStore({ knex: database.knex, table: uniqueTable() })
      .ensureReady(8)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'pgvector_unavailable' });
    expect((error as AppError).message).toMatch(/install pgvector/i);
    expect((error as AppError).message).toContain('QDRANT_URL');
  });
});

// The contract on real PostgreSQL 18 with pgvector runs in tests/integration/pgvector-postgres.test.ts
// (the integration project's global setup starts that server).
