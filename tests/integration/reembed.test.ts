import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../setup/stack';
import { createClientWithKey, signUpAdmin, waitForDocument } from '../factories';
import { reembedStaleDocuments, vectorTableFor } from '../../core/services/embedding-migration';

describe('changing the embedding model', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ database: 'pglite', redis: false });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('re-embeds documents embedded with another model as a new version, and leaves current ones alone', async () => {
    const { admin } = await signUpAdmin(stack.url);
    const { client } = await createClientWithKey(admin);
    const stale = await waitForDocument(
      admin,
      (await admin.upload(client.id, 'old.txt', 'Embedded long ago with another model.')).data.document.id,
    );
    const current = await waitForDocument(
      admin,
      (await admin.upload(client.id, 'new.txt', 'Embedded with the model in use.')).data.document.id,
    );
    const knex = stack.container.db.knex;
    await knex('documents').where({ id: stale.id }).update({ embedding_model: 'text-embedding-ada-002' });

    const deps = {
      knex,
      blobStore: stack.container.blobStore,
      vectorStore: stack.container.vectorStore,
      cache: stack.container.cache,
      workflows: stack.container.workflows,
    };
    expect(await reembedStaleDocuments(deps, { embeddingModel: stack.container.embedder.model })).toBe(1);
    const redone = await waitForDocument(admin, stale.id);
    expect(redone.status).toBe('ready');
    expect(redone.version).toBe(stale.version + 1);
    expect(redone.vectorCount).toBe(redone.chunkCount);
    const row = await knex('documents').where({ id: stale.id }).first();
    expect(row.embedding_model).toBe(stack.container.embedder.model);
    expect((await admin.get(`/api/dashboard/documents/${current.id}`)).data.document.version).toBe(current.version);
    expect(await reembedStaleDocuments(deps, { embeddingModel: stack.container.embedder.model })).toBe(0);
  });

  it("keeps each model's vectors in a table of their own", () => {
    expect(vectorTableFor('local-hash-v1', 1024)).toBe('chunk_vectors_local_hash_v1_1024');
    expect(vectorTableFor('text-embedding-3-large', 3072)).toBe('chunk_vectors_text_embedding_3_lar_3072');
    expect(vectorTableFor('text-embedding-3-large', 3072)).toMatch(/^[a-z_][a-z0-9_]{0,39}$/);
  });
});
