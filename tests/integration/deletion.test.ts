import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../setup/stack';
import { createClientWithKey, signUpAdmin, waitForDocument } from '../factories';
import type { TestClient } from '../http';
import { eventually } from '../loop-helpers';

const POLICIES = [
  'Returns policy. Orders can be returned within 45 days of delivery for a full refund.',
  'Shipping. Standard shipping to Norway takes 6 to 8 working days. Express shipping costs 19 euros.',
].join('\n\n');

describe('deleting sites and accounts, and refusing empty uploads', () => {
  let stack: TestStack;
  let adminB: TestClient;

  beforeAll(async () => {
    stack = await startTestStack({ database: 'postgres', env: { RATE_LIMIT_VISITOR_PER_MINUTE: '1000' } });
    ({ admin: adminB } = await signUpAdmin(stack.url, 'Bob'));
  }, 180_000);
  afterAll(async () => {
    await stack?.close();
  });

  const post = async (path: string, key: string, body: unknown) => {
    const response = await fetch(new URL(path, stack.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, data: text ? JSON.parse(text) : undefined };
  };
  const ask = (key: string, message: string) => post('/chat', key, { message });
  const waitLogged = (messageId: string) =>
    eventually(
      () => stack.container.db.knex('chat_messages').where({ id: messageId }).first(),
      `message ${messageId} logged`,
    );

  /** Rows, vectors, files and running workflows a site may leave behind. */
  async function leftovers(clientId: string, documentIds: string[], blobKeys: string[]) {
    const knex = stack.container.db.knex;
    const counts: Record<string, number> = {};
    for (const table of [
      'clients',
      'api_keys',
      'widgets',
      'documents',
      'chunks',
      'chat_sessions',
      'chat_messages',
      'usage_daily',
      'message_feedback',
      'contacts',
      'written_answers',
    ]) {
      const column = table === 'clients' ? 'id' : 'client_id';
      const [{ count }] = await knex(table).where(column, clientId).count<{ count: string }[]>({ count: '*' });
      if (Number(count)) counts[table] = Number(count);
    }
    for (const documentId of documentIds) {
      const vectors = await stack.container.vectorStore.countDocument({ clientId, documentId });
      if (vectors) counts[`vectors:${documentId}`] = vectors;
    }
    for (const key of blobKeys) if (await stack.container.blobStore.exists(key)) counts[`blob:${key}`] = 1;
    let running = 0;
    for await (const execution of stack.temporalClient!.workflow.list({
      query: `ClientId = '${clientId}' AND ExecutionStatus = 'Running'`,
    })) {
      void execution;
      running++;
    }
    if (running) counts.runningWorkflows = running;
    return counts;
  }

  it('deletes a site: 404 at once, keys 401, then no rows, vectors, files or running workflows', async () => {
    const { admin } = await signUpAdmin(stack.url, 'Della');
    const site = await createClientWithKey(admin, { name: 'Doomed shop', allowedDomains: [] });
    const clientId = site.client.id;
    const upload = await admin.upload(clientId, 'policies.txt', POLICIES);
    const document = await waitForDocument(admin, upload.data.document.id);
    expect(document.status).toBe('ready');
    const blobKey = (await stack.container.db.knex('documents').where({ id: document.id }).first()).blob_key;
    expect(await stack.container.blobStore.exists(blobKey)).toBe(true);
    const answer = await ask(site.apiKey, 'How much does express shipping cost?');
    await waitLogged(answer.data.messageId);
    expect(
      (
        await post('/chat/feedback', site.apiKey, {
          messageId: answer.data.messageId,
          sessionId: answer.data.sessionId,
          rating: 'up',
        })
      ).status,
    ).toBe(204);
    expect(
      (await post('/chat/contact', site.apiKey, { sessionId: answer.data.sessionId, email: 'c@example.com' })).status,
    ).toBe(202);
    expect(
      (await admin.post(`/api/dashboard/clients/${clientId}/answers`, { question: 'q?', answer: 'a.' })).status,
    ).toBe(201);
    // An ingestion still running when the site goes must be cancelled too.
    const slow = await admin.upload(clientId, 'more.txt', POLICIES.repeat(50));
    expect(slow.status).toBe(202);

    expect((await adminB.delete(`/api/dashboard/clients/${clientId}`)).status).toBe(404);
    expect((await admin.delete(`/api/dashboard/clients/${clientId}`)).status).toBe(204);
    expect((await admin.get(`/api/dashboard/clients/${clientId}`)).status).toBe(404);
    expect((await admin.get(`/api/dashboard/documents/${document.id}`)).status).toBe(404);
    expect((await admin.get(`/api/dashboard/chats?clientId=${clientId}`)).status).toBe(404);
    expect((await admin.get('/api/dashboard/clients')).data.clients).toEqual([]);
    expect((await admin.delete(`/api/dashboard/clients/${clientId}`)).status).toBe(404);
    expect((await ask(site.apiKey, 'Hello?')).status).toBe(401);

    const documentIds = [document.id, slow.data.document.id];
    await eventually(
      async () => Object.keys(await leftovers(clientId, documentIds, [blobKey])).length === 0,
      'the purge',
      120_000,
    );
    const deletion = stack.temporalClient!.workflow.getHandle(`delete-client-${clientId}`);
    expect((await deletion.describe()).status.name).toBe('COMPLETED');
  });

  it('deletes an account with its password: 401 for a wrong one, then sessions, sites and the user are gone', async () => {
    const { admin, email } = await signUpAdmin(stack.url, 'Erin');
    const site = await createClientWithKey(admin, { name: 'Erin shop', allowedDomains: [] });
    expect((await admin.request('DELETE', '/api/auth/me', { json: { password: 'wrong password!' } })).status).toBe(401);
    expect((await admin.request('DELETE', '/api/auth/me', { json: {} })).status).toBe(400);
    const userId = (await admin.get('/api/auth/me')).data.user.id;
    expect(
      (await admin.request('DELETE', '/api/auth/me', { json: { password: 'correct horse battery' } })).status,
    ).toBe(204);
    expect((await admin.get('/api/auth/me')).status).toBe(401);
    expect((await ask(site.apiKey, 'Hello?')).status).toBe(401);
    const again = await admin.post('/api/auth/login', { email, password: 'correct horse battery' });
    expect(again.status).toBe(401);
    await eventually(
      async () => Object.keys(await leftovers(site.client.id, [], [])).length === 0,
      'the site purge',
      120_000,
    );
    await eventually(
      async () => !(await stack.container.db.knex('users').where({ id: userId }).first()),
      'the user row to go',
      120_000,
    );
    // The email is free again.
    expect(
      (await admin.post('/api/auth/register', { email, password: 'correct horse battery', name: 'Erin again' })).status,
    ).toBe(201);
  });

  it('refuses an empty (0-byte) file with 400 and a reason, and keeps nothing of it', async () => {
    const { admin } = await signUpAdmin(stack.url);
    const site = await createClientWithKey(admin, { allowedDomains: [] });
    const response = await admin.upload(site.client.id, 'empty.txt', '');
    expect(response.status).toBe(400);
    expect(response.data.error).toMatchObject({ code: 'empty_file', message: expect.stringContaining('0 bytes') });
    expect((await admin.get(`/api/dashboard/documents?clientId=${site.client.id}`)).data.documents).toEqual([]);
  });
});
