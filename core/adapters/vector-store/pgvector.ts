import type { Knex } from 'knex';
import { AppError } from '../../errors';
import { requireUuid } from './point-id';
import type { VectorHit, VectorPoint, VectorStore } from './types';

/** pgvector's HNSW index takes `vector` up to 2,000 dimensions and `halfvec` up to 4,000. */
const HNSW_MAX_VECTOR_DIMENSIONS = 2000;
const HNSW_MAX_HALFVEC_DIMENSIONS = 4000;
const VECTOR_MAX_DIMENSIONS = 16000;
/** 2,000 bound values per statement, and about 12 MB of vector text at 3,072 dimensions. */
const UPSERT_BATCH_SIZE = 200;
/** pgvector's default candidate list; the largest value it accepts is 1,000. */
const DEFAULT_EF_SEARCH = 40;
const MAX_EF_SEARCH = 1000;

const TABLE_NAME_PATTERN = /^[a-z_][a-z0-9_]{0,39}$/;

interface ChunkVectorRow {
  id: string;
  document_id: string;
  chunk_index: number;
  text: string;
  page: number | null;
  filename: string | null;
  score: number;
}

/**
 * Vectors in PostgreSQL with pgvector: the embedded default (PGlite ships the extension) and any
 * server that has it installed. One table holds every tenant; every statement filters on client_id.
 */
export function createPgvectorStore({ knex, table = 'chunk_vectors' }: { knex: Knex; table?: string }): VectorStore {
  if (!TABLE_NAME_PATTERN.test(table)) {
    throw new Error(`createPgvectorStore: table name "${table}" must be a short lower-case SQL identifier`);
  }
  const embeddingIndex = `${table}_embedding_idx`;
  const documentIndex = `${table}_client_document_idx`;
  let readyDimensions: number | undefined;
  let iterativeScanSupport: Promise<boolean> | undefined;

  function requireVector(vector: number[]): void {
    if (readyDimensions !== undefined && vector.length !== readyDimensions) {
      throw dimensionMismatch({ expected: readyDimensions, actual: vector.length });
    }
    if (vector.length === 0 || !vector.every(Number.isFinite)) {
      throw new AppError({
        code: 'invalid_vector',
        status: 400,
        message: 'A vector must be a non-empty list of finite numbers.',
      });
    }
  }

  /** pgvector 0.8 can keep scanning the graph until the tenant filter has let `limit` rows through. */
  function supportsIterativeScan(): Promise<boolean> {
    iterativeScanSupport ??= knex
      .raw<{ rows: Array<{ extversion: string }> }>(`select extversion from pg_extension where extname = 'vector'`)
      .then(({ rows }) => rows.length > 0 && compareVersions(rows[0].extversion, '0.8.0') >= 0)
      .catch((error: unknown) => {
        iterativeScanSupport = undefined;
        throw error;
      });
    return iterativeScanSupport;
  }

  return {
    name: 'pgvector',

    async ensureReady(dimensions) {
      if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > VECTOR_MAX_DIMENSIONS) {
        throw new AppError({
          code: 'invalid_vector',
          status: 500,
          message: `pgvector stores 1 to ${VECTOR_MAX_DIMENSIONS} dimensions; the embedder reports ${dimensions}.`,
        });
      }
      await knex.transaction(async (trx) => {
        // Two processes starting together would otherwise race on CREATE EXTENSION / CREATE TABLE.
        await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [`chatconnect:vector-store:${table}`]);
        await requireVectorExtension(trx);
        const existing = await readEmbeddingType(trx, table);
        if (existing !== undefined) {
          const match = /^vector\((\d+)\)$/.exec(existing);
          if (!match) {
            throw new AppError({
              code: 'vector_store_schema_mismatch',
              status: 500,
              message: `The table "${table}" exists but its embedding column is ${existing}, not vector(${dimensions}). Drop or rename it so it can be recreated.`,
            });
          }
          const stored = Number(match[1]);
          if (stored !== dimensions) throw dimensionMismatch({ expected: stored, actual: dimensions, table });
        }
        await trx.raw(
          `create table if not exists ?? (
            id uuid primary key,
            client_id uuid not null,
            document_id uuid not null,
            version integer not null,
            chunk_index integer not null,
            text text not null,
            page integer,
            filename text,
            active boolean not null default false,
            embedding vector(${dimensions}) not null
          )`,
          [table],
        );
        await trx.raw('create index if not exists ?? on ?? (client_id, document_id, active)', [documentIndex, table]);
        if (dimensions <= HNSW_MAX_VECTOR_DIMENSIONS) {
          await trx.raw('create index if not exists ?? on ?? using hnsw (embedding vector_cosine_ops)', [
            embeddingIndex,
            table,
          ]);
        } else if (dimensions <= HNSW_MAX_HALFVEC_DIMENSIONS) {
          // Too wide for a `vector` HNSW index: index a half-precision copy; search orders by the same expression.
          await trx.raw(
            `create index if not exists ?? on ?? using hnsw ((embedding::halfvec(${dimensions})) halfvec_cosine_ops)`,
            [embeddingIndex, table],
          );
        }
        // Wider than 4,000 dimensions there is no ANN index: searches scan the tenant's rows exactly.
      });
      readyDimensions = dimensions;
    },

    async upsert(points) {
      if (points.length === 0) return;
      const rows = points.map((point) => toRow(point, requireVector));
      for (let start = 0; start < rows.length; start += UPSERT_BATCH_SIZE) {
        await knex(table)
          .insert(rows.slice(start, start + UPSERT_BATCH_SIZE))
          .onConflict('id')
          .merge([
            'client_id',
            'document_id',
            'version',
            'chunk_index',
            'text',
            'page',
            'filename',
            'active',
            'embedding',
          ]);
      }
    },

    async activateVersion({ clientId, documentId, version }) {
      const owner = {
        client_id: requireUuid(clientId, 'client id'),
        document_id: requireUuid(documentId, 'document id'),
      };
      requireVersion(version);
      await knex.transaction(async (trx) => {
        await trx(table)
          .where({ ...owner, version })
          .update({ active: true });
        await trx(table).where(owner).whereNot({ version }).delete();
      });
    },

    async search({ clientId, vector, limit }) {
      const client_id = requireUuid(clientId, 'client id');
      requireVector(vector);
      if (!Number.isInteger(limit) || limit < 1) return [];
      const dimensions = vector.length;
      const literal = `'${toVectorLiteral(vector)}'`;
      const distance =
        dimensions > HNSW_MAX_VECTOR_DIMENSIONS && dimensions <= HNSW_MAX_HALFVEC_DIMENSIONS
          ? `(embedding::halfvec(${dimensions})) <=> ${literal}::halfvec(${dimensions})`
          : `embedding <=> ${literal}::vector(${dimensions})`;
      const iterative = await supportsIterativeScan();
      // HNSW filters after it walks the graph: with many tenants a plain scan of ef_search
      // candidates can hold fewer than `limit` of this client's rows. The iterative scan keeps
      // walking until enough pass the filter; without it (pgvector < 0.8) widen the candidate list.
      const efSearch = Math.min(MAX_EF_SEARCH, Math.max(iterative ? DEFAULT_EF_SEARCH : 10 * limit, limit));
      const settings = [
        `set_config('hnsw.ef_search', '${efSearch}', true)`,
        ...(iterative ? [`set_config('hnsw.iterative_scan', 'strict_order', true)`] : []),
      ];
      // One round trip: a multi-statement simple query runs as one implicit transaction, so the
      // transaction-local settings apply to the search and end with it (an error rolls it all back).
      // Every inlined value was checked above: a UUID, an integer, finite numbers, a fixed table name.
      const results = await knex.raw<Array<{ rows: ChunkVectorRow[] }> | { rows: ChunkVectorRow[] }>(
        `select ${settings.join(', ')};
         select id, document_id, chunk_index, text, page, filename, 1 - (${distance}) as score
           from "${table}"
          where client_id = '${client_id}' and active
          order by ${distance}
          limit ${limit}`,
      );
      const last = Array.isArray(results) ? results[results.length - 1] : results;
      return last.rows.map(toHit);
    },

    async deleteDocument({ clientId, documentId }) {
      await knex(table)
        .where({ client_id: requireUuid(clientId, 'client id'), document_id: requireUuid(documentId, 'document id') })
        .delete();
    },

    async countDocument({ clientId, documentId }) {
      const [row] = await knex(table)
        .where({
          client_id: requireUuid(clientId, 'client id'),
          document_id: requireUuid(documentId, 'document id'),
          active: true,
        })
        .count<Array<{ count: string | number }>>({ count: '*' });
      return Number(row.count);
    },

    async deleteVersion({ clientId, documentId, version }) {
      requireVersion(version);
      await knex(table)
        .where({
          client_id: requireUuid(clientId, 'client id'),
          document_id: requireUuid(documentId, 'document id'),
          version,
          active: false,
        })
        .delete();
    },

    async ping() {
      await knex.raw('select 1');
    },
  };
}

async function requireVectorExtension(trx: Knex.Transaction): Promise<void> {
  const { rows } = await trx.raw<{ rows: Array<{ installed: boolean; available: boolean }> }>(
    `select exists (select 1 from pg_extension where extname = 'vector') as installed,
            exists (select 1 from pg_available_extensions where name = 'vector') as available`,
  );
  const [{ installed, available }] = rows;
  if (installed) return;
  if (!available) {
    throw new AppError({
      code: 'pgvector_unavailable',
      status: 503,
      message:
        'The database has no pgvector extension. Install pgvector on the PostgreSQL server (https://github.com/pgvector/pgvector), or set QDRANT_URL to store vectors in Qdrant.',
    });
  }
  try {
    await trx.raw('create extension if not exists vector');
  } catch (error) {
    throw new AppError({
      code: 'pgvector_unavailable',
      status: 503,
      message: `pgvector is installed on the server but could not be enabled (${(error as Error).message}). Have a superuser run CREATE EXTENSION vector, or set QDRANT_URL to store vectors in Qdrant.`,
      cause: error,
    });
  }
}

/** The embedding column's type, e.g. `vector(1024)`, or undefined when the table does not exist yet. */
async function readEmbeddingType(trx: Knex.Transaction, table: string): Promise<string | undefined> {
  const { rows } = await trx.raw<{ rows: Array<{ exists: boolean; type: string | null }> }>(
    `select to_regclass(?) is not null as exists,
            (select format_type(atttypid, atttypmod) from pg_attribute
              where attrelid = to_regclass(?) and attname = 'embedding' and not attisdropped) as type`,
    [table, table],
  );
  const [{ exists, type }] = rows;
  if (!exists) return undefined;
  return type ?? 'missing';
}

function dimensionMismatch({
  expected,
  actual,
  table,
}: {
  expected: number;
  actual: number;
  table?: string;
}): AppError {
  return new AppError({
    code: 'vector_dimension_mismatch',
    status: 500,
    message: table
      ? `The vector table "${table}" holds ${expected}-dimensional vectors but the embedding model gives ${actual}. The embedding model changed: every document must be re-embedded into a new table (or after dropping this one).`
      : `This vector store holds ${expected}-dimensional vectors but got one with ${actual}. The embedding model changed: every document must be re-embedded.`,
    details: { expected, actual },
  });
}

function requireVersion(version: number): void {
  if (!Number.isSafeInteger(version) || version < 0) {
    throw new AppError({ code: 'invalid_input', status: 400, message: 'The version must be a non-negative integer.' });
  }
}

function toRow(point: VectorPoint, requireVector: (vector: number[]) => void) {
  requireVector(point.vector);
  requireVersion(point.version);
  return {
    id: requireUuid(point.id, 'point id'),
    client_id: requireUuid(point.clientId, 'client id'),
    document_id: requireUuid(point.documentId, 'document id'),
    version: point.version,
    chunk_index: point.chunkIndex,
    text: point.text,
    page: point.page ?? null,
    filename: point.filename ?? null,
    // Written inactive: the version answers only once activateVersion flips it.
    active: false,
    embedding: toVectorLiteral(point.vector),
  };
}

function toHit(row: ChunkVectorRow): VectorHit {
  return {
    id: row.id,
    score: Number(row.score),
    documentId: row.document_id,
    chunkIndex: row.chunk_index,
    text: row.text,
    page: row.page,
    ...(row.filename === null ? {} : { filename: row.filename }),
  };
}

/** pgvector's text form; the values were checked finite, so the literal cannot carry anything else. */
function toVectorLiteral(vector: number[]): string {
  return `[${vector.join(',')}]`;
}

function compareVersions(left: string, right: string): number {
  const a = left.split('.').map(Number);
  const b = right.split('.').map(Number);
  for (let index = 0; index < Math.max(a.length, b.length); index += 1) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}
