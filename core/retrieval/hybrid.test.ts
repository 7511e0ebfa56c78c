import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalEmbedder } from '../adapters/embedder/local';
import { createPgvectorStore } from '../adapters/vector-store/pgvector';
import { pointId } from '../adapters/vector-store/point-id';
import type { VectorStore } from '../adapters/vector-store/types';
import { hybridSearch } from './hybrid';
import { startPgliteChunksDatabase, type PgliteChunksDatabase } from './pglite-test-database';

const embedder = createLocalEmbedder({ dimensions: 256 });
const shop = randomUUID();
const otherTenant = randomUUID();
const policy = randomUUID();
const catalogue = randomUUID();
const otherDocument = randomUUID();

let database: PgliteChunksDatabase;
let vectorStore: VectorStore;

async function ingest(clientId: string, documentId: string, filename: string, texts: string[]): Promise<void> {
  const vectors = await embedder.embed(texts);
  const points = texts.map((text, chunkIndex) => ({
    id: pointId({ clientId, documentId, version: 1, chunkIndex }),
    vector: vectors[chunkIndex],
    clientId,
    documentId,
    version: 1,
    chunkIndex,
    text,
    filename,
  }));
  await database.knex('documents').insert({ id: documentId, client_id: clientId, filename });
  await database.insertChunks(
    points.map((point) => ({
      id: point.id,
      client_id: clientId,
      document_id: documentId,
      version: 1,
      chunk_index: point.chunkIndex,
      text: point.text,
      token_count: point.text.split(/\s+/).length,
      active: true,
    })),
  );
  await vectorStore.upsert(points);
  await vectorStore.activateVersion({ clientId, documentId, version: 1 });
}

beforeAll(async () => {
  database = await startPgliteChunksDatabase();
  vectorStore = createPgvectorStore({ knex: database.knex });
  await vectorStore.ensureReady(embedder.dimensions);
  await ingest(shop, policy, 'returns-policy.pdf', [
    'Returns are accepted within 30 days of delivery when the original receipt is included.',
    'Refunds are paid to the original payment method within five working days.',
    'Gift cards cannot be exchanged for cash.',
  ]);
  await ingest(shop, catalogue, 'catalogue.docx', [
    'Our oak dining tables seat six people and are finished with natural oil.',
    'Walnut bookshelves come in three widths and ship flat-packed.',
  ]);
  await ingest(otherTenant, otherDocument, 'secret.txt', [
    'Returns are never accepted at this other shop, and refunds take ninety days.',
  ]);
}, 60_000);

afterAll(async () => {
  await database?.close();
});

describe('hybridSearch', () => {
  it('returns the chunk that answers the question first, with its filename and a score on [0, 1]', async () => {
    const hits = await hybridSearch({
      knex: database.knex,
      vectorStore,
      embedder,
      clientId: shop,
      question: 'How many days do I have to return something?',
    });

    expect(hits[0]).toMatchObject({ documentId: policy, chunkIndex: 0, filename: 'returns-policy.pdf' });
    for (const hit of hits) {
      expect(hit.score).toBeGreaterThan(0);
      expect(hit.score).toBeLessThanOrEqual(1);
    }
  });

  it('finds a chunk by its wording alone', async () => {
    const hits = await hybridSearch({
      knex: database.knex,
      vectorStore,
      embedder,
      clientId: shop,
      question: 'walnut bookshelves widths',
    });
    expect(hits[0]).toMatchObject({ documentId: catalogue, chunkIndex: 1, filename: 'catalogue.docx' });
  });

  it('returns nothing when the question is about something the documents do not cover', async () => {
    const hits = await hybridSearch({
      knex: database.knex,
      vectorStore,
      embedder,
      clientId: shop,
      question: 'Which football team won the championship in 1998?',
    });
    expect(hits).toEqual([]);
  });

  it('never returns another tenant’s chunks on either side', async () => {
    const hits = await hybridSearch({
      knex: database.knex,
      vectorStore,
      embedder,
      clientId: shop,
      question: 'Are returns never accepted? Do refunds take ninety days?',
      relevanceFloor: 0,
    });
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.map((hit) => hit.documentId)).not.toContain(otherDocument);

    const theirs = await hybridSearch({
      knex: database.knex,
      vectorStore,
      embedder,
      clientId: otherTenant,
      question: 'oak dining tables',
      relevanceFloor: 0,
    });
    expect(theirs.map((hit) => hit.documentId)).toEqual([otherDocument]);
  });

  it('honours the limit and an empty question', async () => {
    const hits = await hybridSearch({
      knex: database.knex,
      vectorStore,
      embedder,
      clientId: shop,
      question: 'returns refunds gift cards',
      limit: 2,
      relevanceFloor: 0,
    });
    expect(hits).toHaveLength(2);
    await expect(
      hybridSearch({ knex: database.knex, vectorStore, embedder, clientId: shop, question: '  ' }),
    ).resolves.toEqual([]);
  });
});
