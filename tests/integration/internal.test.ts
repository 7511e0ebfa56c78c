import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../setup/stack';
import { createClientWithKey, signUpAdmin } from '../factories';
import { TestClient } from '../http';

const SECRET = 'internal-secret-for-tests-0123456789';

describe("internal API for operators' scripts (x-internal-secret)", () => {
  let stack: TestStack;
  let clientId: string;
  let tier: string;
  beforeAll(async () => {
    stack = await startTestStack({ database: 'pglite', redis: false, env: { INTERNAL_API_SECRET: SECRET } });
    const { admin } = await signUpAdmin(stack.url);
    const { client } = await createClientWithKey(admin, { tier: 'paid' });
    clientId = client.id;
    tier = client.tier;
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('refuses calls without the secret', async () => {
    const anonymous = new TestClient(stack.url);
    expect((await anonymous.post('/internal/validate-client', { clientId })).status).toBe(401);
    expect(
      (await anonymous.post('/internal/validate-client', { clientId }, { headers: { 'x-internal-secret': 'wrong' } }))
        .status,
    ).toBe(401);
  });

  it('validates clients, reads their config and embeds through the configured embedder', async () => {
    const operator = new TestClient(stack.url);
    const headers = { 'x-internal-secret': SECRET };
    expect((await operator.post('/internal/validate-client', { clientId }, { headers })).data).toEqual({
      valid: true,
      tier,
    });
    expect(
      (await operator.post('/internal/validate-client', { clientId: crypto.randomUUID() }, { headers })).data.valid,
    ).toBe(false);
    const config = await operator.get(`/internal/client/${clientId}/config`, { headers });
    expect(config.data).toMatchObject({ clientId, tier: 'paid', embeddingModel: stack.container.embedder.model });
    const embedded = await operator.post('/internal/embed', { texts: ['hello', 'world'] }, { headers });
    expect(embedded.data.model).toBe(stack.container.embedder.model);
    expect(embedded.data.vectors).toHaveLength(2);
    expect(embedded.data.vectors[0]).toHaveLength(embedded.data.dimensions);
    expect((await operator.post('/internal/embed', { texts: [] }, { headers })).status).toBe(400);
  });
});

describe('without INTERNAL_API_SECRET', () => {
  it('has no internal API at all', async () => {
    const stack = await startTestStack({ database: 'pglite', redis: false, worker: false });
    try {
      expect(
        (
          await new TestClient(stack.url).post(
            '/internal/validate-client',
            { clientId: crypto.randomUUID() },
            { headers: { 'x-internal-secret': 'anything' } },
          )
        ).status,
      ).toBe(404);
    } finally {
      await stack.close();
    }
  });
});
