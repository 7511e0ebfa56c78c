import { QdrantClient } from '@qdrant/js-client-rest';
import { AppError } from '../../errors';
import { requireUuid } from './point-id';
import type { VectorHit, VectorPoint, VectorStore } from './types';

/** JSON floats take ~20 bytes: 128 points of 4,096 dimensions stay near 10 MB, under Qdrant's 32 MB request limit. */
const UPSERT_BATCH_SIZE = 128;

type QdrantFilter = NonNullable<Parameters<QdrantClient['count']>[1]>['filter'];
type FieldIndexSchema = Parameters<QdrantClient['createPayloadIndex']>[1]['field_schema'];

/** Payload fields we filter on, indexed so filtering never scans and strict mode never refuses it. */
const PAYLOAD_INDEXES: Array<{
  field: string;
  schema: FieldIndexSchema;
  matches: (info: IndexInfo | undefined) => boolean;
}> = [
  {
    field: 'client_id',
    // is_tenant lets Qdrant keep each client's points together and build per-tenant search graphs.
    schema: { type: 'keyword', is_tenant: true },
    matches: (info) =>
      info?.data_type === 'keyword' && (info.params as { is_tenant?: boolean } | null | undefined)?.is_tenant === true,
  },
  { field: 'document_id', schema: 'keyword', matches: (info) => info?.data_type === 'keyword' },
  { field: 'version', schema: 'integer', matches: (info) => info?.data_type === 'integer' },
  { field: 'active', schema: 'bool', matches: (info) => info?.data_type === 'bool' },
];

interface IndexInfo {
  data_type: string;
  params?: unknown;
}

interface ChunkPayload {
  client_id: string;
  document_id: string;
  version: number;
  chunk_index: number;
  text: string;
  page: number | null;
  filename: string | null;
  active: boolean;
}

/**
 * Vectors in one Qdrant collection shared by every tenant (Qdrant's payload-partitioning design):
 * client_id is a tenant index and every read, count, update and delete filters on it.
 */
export function createQdrantStore({
  url,
  apiKey,
  collection = 'chatconnect_chunks',
  timeoutMs = 30_000,
  checkCompatibility = true,
}: {
  url: string;
  apiKey?: string;
  collection?: string;
  /** Per request; the client's own default is five minutes, far too long for a chat answer. */
  timeoutMs?: number;
  /** The client asks the server's version on construction and warns on a mismatch. */
  checkCompatibility?: boolean;
}): VectorStore {
  const client = new QdrantClient({ url, apiKey, timeout: timeoutMs, checkCompatibility });
  let readyDimensions: number | undefined;

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

  async function call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw toAppError(operation, error);
    }
  }

  return {
    name: 'qdrant',

    async ensureReady(dimensions) {
      if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > 65_536) {
        throw new AppError({
          code: 'invalid_vector',
          status: 500,
          message: `The embedder reports ${dimensions} dimensions, which Qdrant cannot store.`,
        });
      }
      const { exists } = await call('check the collection', () => client.collectionExists(collection));
      if (!exists) {
        try {
          await client.createCollection(collection, {
            vectors: { size: dimensions, distance: 'Cosine' },
            // Qdrant's advice for one collection of many tenants: no global graph, one per tenant.
            hnsw_config: { m: 0, payload_m: 16 },
          });
        } catch (error) {
          // Another process created it first; the checks below still apply.
          if (httpStatus(error) !== 409) throw toAppError('create the collection', error);
        }
      }
      const info = await call('read the collection', () => client.getCollection(collection));
      const vectors = info.config.params.vectors as { size?: unknown; distance?: unknown } | undefined;
      if (!vectors || typeof vectors.size !== 'number') {
        throw new AppError({
          code: 'vector_store_schema_mismatch',
          status: 500,
          message: `The Qdrant collection "${collection}" does not have a single unnamed vector. Point QDRANT_COLLECTION at a new collection.`,
        });
      }
      if (vectors.size !== dimensions)
        throw dimensionMismatch({ expected: vectors.size, actual: dimensions, collection });
      if (vectors.distance !== 'Cosine') {
        throw new AppError({
          code: 'vector_store_schema_mismatch',
          status: 500,
          message: `The Qdrant collection "${collection}" uses ${String(vectors.distance)} distance, not Cosine. Point QDRANT_COLLECTION at a new collection.`,
        });
      }
      for (const index of PAYLOAD_INDEXES) {
        if (index.matches(info.payload_schema[index.field] as IndexInfo | undefined)) continue;
        await call('create a payload index', () =>
          client.createPayloadIndex(collection, { field_name: index.field, field_schema: index.schema, wait: true }),
        );
      }
      readyDimensions = dimensions;
    },

    async upsert(points) {
      const converted = points.map((point) => toQdrantPoint(point, requireVector));
      for (let start = 0; start < converted.length; start += UPSERT_BATCH_SIZE) {
        await call('upsert points', () =>
          client.upsert(collection, { wait: true, points: converted.slice(start, start + UPSERT_BATCH_SIZE) }),
        );
      }
    },

    async activateVersion({ clientId, documentId, version }) {
      const owner = ownerConditions(clientId, documentId);
      requireVersion(version);
      // Qdrant has no transactions: activate first so the document never goes silent; for the
      // moment between the two calls both versions answer. A retry after a failure in between
      // repeats both steps and converges.
      await call('activate a version', () =>
        client.setPayload(collection, {
          wait: true,
          payload: { active: true },
          filter: { must: [...owner, { key: 'version', match: { value: version } }] },
        }),
      );
      await call('remove replaced versions', () =>
        client.delete(collection, {
          wait: true,
          filter: { must: owner, must_not: [{ key: 'version', match: { value: version } }] },
        }),
      );
    },

    async search({ clientId, vector, limit }) {
      const filter: QdrantFilter = { must: [tenantCondition(clientId), { key: 'active', match: { value: true } }] };
      requireVector(vector);
      if (!Number.isInteger(limit) || limit < 1) return [];
      const { points } = await call('search', () =>
        client.query(collection, { query: vector, filter, limit, with_payload: true }),
      );
      return points.map((point) =>
        toHit(point.id, point.score, point.payload as Partial<ChunkPayload> | null | undefined),
      );
    },

    async deleteDocument({ clientId, documentId }) {
      const must = ownerConditions(clientId, documentId);
      await call('delete a document', () => client.delete(collection, { wait: true, filter: { must } }));
    },

    async countDocument({ clientId, documentId }) {
      const must = [...ownerConditions(clientId, documentId), { key: 'active', match: { value: true } }];
      const { count } = await call('count points', () => client.count(collection, { filter: { must }, exact: true }));
      return count;
    },

    async deleteVersion({ clientId, documentId, version }) {
      const owner = ownerConditions(clientId, documentId);
      requireVersion(version);
      const must = [
        ...owner,
        { key: 'version', match: { value: version } },
        { key: 'active', match: { value: false } },
      ];
      await call('delete a version', () => client.delete(collection, { wait: true, filter: { must } }));
    },

    async ping() {
      // Any authenticated call proves reachability and a valid key; this one is the cheapest.
      await call('reach Qdrant', () => client.collectionExists(collection));
    },
  };
}

function tenantCondition(clientId: string) {
  return { key: 'client_id', match: { value: requireUuid(clientId, 'client id') } };
}

function ownerConditions(clientId: string, documentId: string) {
  return [tenantCondition(clientId), { key: 'document_id', match: { value: requireUuid(documentId, 'document id') } }];
}

function requireVersion(version: number): void {
  if (!Number.isSafeInteger(version) || version < 0) {
    throw new AppError({ code: 'invalid_input', status: 400, message: 'The version must be a non-negative integer.' });
  }
}

function toQdrantPoint(point: VectorPoint, requireVector: (vector: number[]) => void) {
  requireVector(point.vector);
  requireVersion(point.version);
  const payload: ChunkPayload = {
    client_id: requireUuid(point.clientId, 'client id'),
    document_id: requireUuid(point.documentId, 'document id'),
    version: point.version,
    chunk_index: point.chunkIndex,
    text: point.text,
    page: point.page ?? null,
    filename: point.filename ?? null,
    // Written inactive: the version answers only once activateVersion flips it.
    active: false,
  };
  return {
    id: requireUuid(point.id, 'point id'),
    vector: point.vector,
    payload: payload as unknown as Record<string, unknown>,
  };
}

function toHit(id: string | number, score: number, payload: Partial<ChunkPayload> | null | undefined): VectorHit {
  return {
    id: String(id),
    score,
    documentId: String(payload?.document_id ?? ''),
    chunkIndex: Number(payload?.chunk_index ?? 0),
    text: String(payload?.text ?? ''),
    page: payload?.page ?? null,
    ...(typeof payload?.filename === 'string' ? { filename: payload.filename } : {}),
  };
}

function dimensionMismatch({
  expected,
  actual,
  collection,
}: {
  expected: number;
  actual: number;
  collection?: string;
}): AppError {
  return new AppError({
    code: 'vector_dimension_mismatch',
    status: 500,
    message: collection
      ? `The Qdrant collection "${collection}" holds ${expected}-dimensional vectors but the embedding model gives ${actual}. The embedding model changed: every document must be re-embedded into a new collection (set QDRANT_COLLECTION).`
      : `This vector store holds ${expected}-dimensional vectors but got one with ${actual}. The embedding model changed: every document must be re-embedded.`,
    details: { expected, actual },
  });
}

/** The client throws openapi-typescript-fetch's ApiError (status + parsed body) for non-2xx answers. */
function httpStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

function toAppError(operation: string, error: unknown): AppError {
  if (error instanceof AppError) return error;
  const status = httpStatus(error);
  const causeCode = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  const detail =
    (error as { data?: { status?: { error?: unknown } } } | null)?.data?.status?.error ??
    [(error as Error | null)?.message ?? String(error), typeof causeCode === 'string' ? `(${causeCode})` : '']
      .join(' ')
      .trim();
  if (status === undefined || status >= 500 || status === 408 || status === 429) {
    // Network failures, timeouts and server trouble pass; the caller's retry policy decides.
    return new AppError({
      code: 'vector_store_unavailable',
      status: 503,
      retryable: true,
      message: `Qdrant did not answer to ${operation}: ${String(detail)}`,
      cause: error,
    });
  }
  return new AppError({
    code: 'vector_store_error',
    status: 500,
    message: `Qdrant refused to ${operation}: ${String(detail)}`,
    cause: error,
  });
}
