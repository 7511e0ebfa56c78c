import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { QdrantClient } from '@qdrant/js-client-rest';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  startFakeQdrant,
  type FakeQdrant,
  type FakeQdrantPoint,
  matchesFilter,
} from '../../../tests/fakes/qdrant-server';
import { AppError } from '../../errors';
import { axisVector, makePoint, runVectorStoreContract } from './contract';
import { createQdrantStore } from './qdrant';

const uniqueCollection = () => `chatconnect_test_${randomUUID().replace(/-/g, '')}`;

describe('Qdrant adapter against the fake server, through the real client', () => {
  let fake: FakeQdrant;

  beforeAll(async () => {
    fake = await startFakeQdrant();
  });

  afterAll(async () => {
    await fake?.close();
  });

  runVectorStoreContract('qdrant (fake server)', async () => {
    const collection = uniqueCollection();
    return {
      store: createQdrantStore({ url: fake.url, collection }),
      cleanup: async () => {
        fake.state.collections.delete(collection);
      },
    };
  });

  it('creates one cosine collection with per-tenant HNSW and indexes on the filtered fields', async () => {
    const collection = uniqueCollection();
    await createQdrantStore({ url: fake.url, collection }).ensureReady(16);
    const created = fake.state.collections.get(collection);
    expect(created?.vectors).toEqual({ size: 16, distance: 'Cosine' });
    expect(created?.hnswConfig).toMatchObject({ m: 0, payload_m: 16 });
    expect(Object.fromEntries(created?.payloadIndexes ?? [])).toEqual({
      client_id: { data_type: 'keyword', params: { type: 'keyword', is_tenant: true } },
      document_id: { data_type: 'keyword', params: null },
      version: { data_type: 'integer', params: null },
      active: { data_type: 'bool', params: null },
    });

    // A second start finds everything in place and writes nothing.
    const before = fake.state.requests.length;
    await createQdrantStore({ url: fake.url, collection }).ensureReady(16);
    const writes = fake.state.requests.slice(before).filter((request) => request.method !== 'GET');
    expect(writes).toEqual([]);
  });

  it('sends the client filter on every search, count, payload update and delete', async () => {
    const collection = uniqueCollection();
    const store = createQdrantStore({ url: fake.url, collection });
    await store.ensureReady(8);
    const clientId = randomUUID();
    const documentId = randomUUID();
    const before = fake.state.requests.length;

    await store.upsert([makePoint({ clientId, documentId, version: 1, chunkIndex: 0, vector: axisVector(0) })]);
    await store.activateVersion({ clientId, documentId, version: 1 });
    await store.search({ clientId, vector: axisVector(0), limit: 3 });
    await store.countDocument({ clientId, documentId });
    await store.deleteVersion({ clientId, documentId, version: 2 });
    await store.deleteDocument({ clientId, documentId });

    const filtered = fake.state.requests
      .slice(before)
      .filter((request) => /\/points\/(query|count|delete|payload)$/.test(request.path));
    expect(filtered.map((request) => request.path.split('/').at(-1))).toEqual([
      'payload',
      'delete',
      'query',
      'count',
      'delete',
      'delete',
    ]);
    for (const request of filtered) {
      const must = (request.body as { filter?: { must?: unknown[] } }).filter?.must;
      expect(must).toContainEqual({ key: 'client_id', match: { value: clientId } });
    }
    // Writes wait for the change to apply, so the next read sees it.
    const writes = fake.state.requests
      .slice(before)
      .filter((request) => request.method !== 'GET' && !/query|count/.test(request.path));
    expect(writes.every((request) => request.query.wait === 'true')).toBe(true);
  });

  it('stores the payload the retrieval path and the dashboard read', async () => {
    const collection = uniqueCollection();
    const store = createQdrantStore({ url: fake.url, collection });
    await store.ensureReady(8);
    const point = makePoint({
      clientId: randomUUID(),
      documentId: randomUUID(),
      version: 3,
      chunkIndex: 4,
      vector: axisVector(2),
      page: 7,
      filename: 'handbook.pdf',
    });
    await store.upsert([point]);
    expect(fake.state.collections.get(collection)?.points.get(`u:${point.id}`)?.payload).toEqual({
      client_id: point.clientId,
      document_id: point.documentId,
      version: 3,
      chunk_index: 4,
      text: point.text,
      page: 7,
      filename: 'handbook.pdf',
      active: false,
    });
  });

  it('answers the client version check, so constructing a store prints no compatibility warning', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const before = fake.state.requests.length;
      const store = createQdrantStore({ url: fake.url, collection: uniqueCollection() });
      await store.ping();
      await vi.waitFor(() =>
        expect(fake.state.requests.slice(before).some((request) => request.path === '/')).toBe(true),
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it('reports Qdrant refusing a request as a non-retryable AppError with its reason', async () => {
    const collection = uniqueCollection();
    const store = createQdrantStore({ url: fake.url, collection });
    await store.ensureReady(8);
    fake.state.collections.delete(collection);
    const error = await store
      .countDocument({ clientId: randomUUID(), documentId: randomUUID() })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'vector_store_error', retryable: false });
    expect((error as AppError).message).toContain("doesn't exist");
  });

  it('notices a collection created elsewhere with another size', async () => {
    const collection = uniqueCollection();
    await new QdrantClient({ url: fake.url }).createCollection(collection, {
      vectors: { size: 4, distance: 'Cosine' },
    });
    await expect(createQdrantStore({ url: fake.url, collection }).ensureReady(8)).rejects.toMatchObject({
      code: 'vector_dimension_mismatch',
    });
  });
});

describe('Qdrant adapter connection failures', () => {
  it('sends the API key and reports a refused key', async () => {
    const fake = await startFakeQdrant({ apiKey: 'secret-key' });
    // The client warns whenever a key travels over plain http, as it does to this local fake.
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      await createQdrantStore({ url: fake.url, apiKey: 'secret-key', collection: uniqueCollection() }).ensureReady(8);
      expect(
        fake.state.requests
          .filter((request) => request.path !== '/')
          .every((request) => request.headers['api-key'] === 'secret-key'),
      ).toBe(true);
      const error = await createQdrantStore({ url: fake.url, apiKey: 'wrong', collection: uniqueCollection() })
        .ping()
        .catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'vector_store_error', retryable: false });
    } finally {
      warn.mockRestore();
      await fake.close();
    }
  });

  it('reports an unreachable Qdrant as retryable', async () => {
    const port = await closedPort();
    const store = createQdrantStore({
      url: `http://127.0.0.1:${port}`,
      collection: uniqueCollection(),
      checkCompatibility: false,
    });
    const error = await store.ping().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'vector_store_unavailable', retryable: true, status: 503 });
    expect((error as AppError).message).toContain('ECONNREFUSED');
  });
});

describe('fake Qdrant server', () => {
  let fake: FakeQdrant;
  let client: QdrantClient;

  beforeAll(async () => {
    fake = await startFakeQdrant();
    client = new QdrantClient({ url: fake.url });
  });

  afterAll(async () => {
    await fake?.close();
  });

  afterEach(() => {
    fake.state.collections.clear();
  });

  const point = (payload: Record<string, unknown>): FakeQdrantPoint => ({ id: 1, vector: [1, 0], payload, version: 0 });

  it('evaluates must, must_not, should and match any the way Qdrant does', () => {
    const tagged = point({ client_id: 'a', tags: ['x', 'y'], active: true, version: 2 });
    expect(matchesFilter(tagged, { must: [{ key: 'client_id', match: { value: 'a' } }] })).toBe(true);
    expect(matchesFilter(tagged, { must: { key: 'client_id', match: { value: 'b' } } })).toBe(false);
    expect(matchesFilter(tagged, { must_not: [{ key: 'version', match: { value: 2 } }] })).toBe(false);
    expect(matchesFilter(tagged, { must_not: [{ key: 'version', match: { value: 3 } }] })).toBe(true);
    expect(matchesFilter(tagged, { must: [{ key: 'tags', match: { value: 'y' } }] })).toBe(true);
    expect(matchesFilter(tagged, { must: [{ key: 'client_id', match: { any: ['b', 'a'] } }] })).toBe(true);
    expect(
      matchesFilter(tagged, {
        should: [
          { key: 'client_id', match: { value: 'b' } },
          { key: 'active', match: { value: true } },
        ],
      }),
    ).toBe(true);
    expect(matchesFilter(tagged, { should: [{ key: 'client_id', match: { value: 'b' } }] })).toBe(false);
    // A missing field matches no value, so must_not on it passes.
    expect(matchesFilter(tagged, { must: [{ key: 'missing', match: { value: 'a' } }] })).toBe(false);
    expect(matchesFilter(tagged, { must_not: [{ key: 'missing', match: { value: 'a' } }] })).toBe(true);
    expect(matchesFilter(tagged, { must: [{ must_not: [{ key: 'client_id', match: { value: 'a' } }] }] })).toBe(false);
    expect(() => matchesFilter(tagged, { must: [{ key: 'version', range: { gt: 1 } }] })).toThrow(
      /not supported by the fake/,
    );
    expect(() => matchesFilter(tagged, { min_should: { conditions: [], min_count: 1 } })).toThrow(
      /not supported by the fake/,
    );
  });

  it('searches every point without a filter: the adapter is what keeps tenants apart', async () => {
    await client.createCollection('open', { vectors: { size: 2, distance: 'Cosine' } });
    await client.upsert('open', {
      wait: true,
      points: [
        { id: '00000000-0000-4000-8000-000000000001', vector: [1, 0], payload: { client_id: 'a' } },
        { id: '00000000-0000-4000-8000-000000000002', vector: [1, 0.1], payload: { client_id: 'b' } },
      ],
    });
    const unfiltered = await client.query('open', { query: [1, 0], limit: 10, with_payload: true });
    expect(unfiltered.points.map((hit) => hit.payload?.client_id)).toEqual(['a', 'b']);
    const filtered = await client.query('open', {
      query: [1, 0],
      limit: 10,
      filter: { must: [{ key: 'client_id', match: { value: 'b' } }] },
    });
    expect(filtered.points).toHaveLength(1);
    expect(filtered.points[0].score).toBeCloseTo(1 / Math.sqrt(1.01), 6);
    expect(filtered.points[0].payload).toBeUndefined();
  });

  it("answers with Qdrant's status codes and error bodies", async () => {
    await expect(client.getCollection('absent')).rejects.toMatchObject({
      status: 404,
      data: { status: { error: "Not found: Collection `absent` doesn't exist!" } },
    });
    expect(await client.collectionExists('absent')).toEqual({ exists: false });
    await client.createCollection('dup', { vectors: { size: 3, distance: 'Cosine' } });
    await expect(client.createCollection('dup', { vectors: { size: 3, distance: 'Cosine' } })).rejects.toMatchObject({
      status: 409,
    });
    await expect(
      client.upsert('dup', { wait: true, points: [{ id: 1, vector: [1, 0], payload: {} }] }),
    ).rejects.toMatchObject({
      status: 400,
      data: { status: { error: 'Wrong input: Vector dimension error: expected dim: 3, got 2' } },
    });
    await expect(
      client.upsert('dup', { wait: true, points: [{ id: 'not-a-uuid', vector: [1, 0, 0] }] }),
    ).rejects.toMatchObject({ status: 400 });
    // Without wait Qdrant answers 202 Accepted, which the client itself treats as unexpected.
    await expect(client.upsert('dup', { wait: false, points: [{ id: 2, vector: [1, 0, 0] }] })).rejects.toThrow(/202/);
  });

  it('counts, sets payload and deletes by filter or by id', async () => {
    await client.createCollection('ops', { vectors: { size: 2, distance: 'Cosine' } });
    await client.upsert('ops', {
      wait: true,
      points: [1, 2, 3].map((id) => ({ id, vector: [1, id], payload: { group: id === 3 ? 'b' : 'a', active: false } })),
    });
    expect(await client.count('ops', { filter: { must: [{ key: 'group', match: { value: 'a' } }] } })).toEqual({
      count: 2,
    });
    await client.setPayload('ops', {
      wait: true,
      payload: { active: true },
      filter: { must: [{ key: 'group', match: { value: 'a' } }] },
    });
    expect(await client.count('ops', { filter: { must: [{ key: 'active', match: { value: true } }] } })).toEqual({
      count: 2,
    });
    await client.delete('ops', { wait: true, filter: { must_not: [{ key: 'group', match: { value: 'a' } }] } });
    await client.delete('ops', { wait: true, points: [1] });
    expect(await client.count('ops', {})).toEqual({ count: 1 });
    expect(fake.state.collections.get('ops')?.points.get('n:2')?.payload).toEqual({ group: 'a', active: true });
  });

  it('refuses what it does not implement instead of ignoring it', async () => {
    await client.createCollection('strict', { vectors: { size: 2, distance: 'Cosine' } });
    await expect(client.query('strict', { query: [1, 0], score_threshold: 0.5 })).rejects.toMatchObject({
      status: 400,
    });
    await expect(
      client.query('strict', { query: [1, 0], filter: { must: [{ key: 'n', range: { gt: 1 } }] } }),
    ).rejects.toMatchObject({
      status: 400,
    });
    await expect(client.scroll('strict', {})).rejects.toMatchObject({ status: 400 });
  });
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const realQdrantUrl = process.env.QDRANT_URL;

describe.skipIf(!realQdrantUrl)(
  `Qdrant adapter against a real server (${realQdrantUrl ?? 'skipped: QDRANT_URL is not set'})`,
  () => {
    const admin = realQdrantUrl
      ? new QdrantClient({ url: realQdrantUrl, apiKey: process.env.QDRANT_API_KEY })
      : undefined;

    runVectorStoreContract('qdrant (real server)', async () => {
      const collection = uniqueCollection();
      return {
        store: createQdrantStore({ url: realQdrantUrl as string, apiKey: process.env.QDRANT_API_KEY, collection }),
        cleanup: async () => {
          await admin?.deleteCollection(collection);
        },
      };
    });
  },
);
