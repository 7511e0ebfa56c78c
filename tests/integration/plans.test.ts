import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpAdmin } from '../factories';
import { TestClient } from '../http';
import { startTestStack, type TestStack } from '../setup/stack';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..', '..');
const SECRET = 'internal-secret-for-plan-tests-0123456789';

/** Plans are the operator's decision (issue 16): tenants request, `npm run admin` and the internal API grant. */
describe('plans: operator-controlled tiers', () => {
  let stack: TestStack;
  let admin: TestClient;
  beforeAll(async () => {
    stack = await startTestStack({
      env: {
        SELF_SERVE_TIERS: 'false',
        RATE_LIMIT_FREE_PER_MINUTE: '3',
        RATE_LIMIT_VISITOR_PER_MINUTE: '1000',
        API_KEY_CACHE_TTL_SECONDS: '0',
        INTERNAL_API_SECRET: SECRET,
      },
    });
    ({ admin } = await signUpAdmin(stack.url));
  });
  afterAll(async () => {
    await stack?.close();
  });

  const chat = (apiKey: string) =>
    new TestClient(stack.url).post(
      '/chat',
      { message: 'What are the opening hours?' },
      { headers: { 'x-api-key': apiKey } },
    );

  it("records a tenant's paid choice as a request; the operator command grants it and the new limit applies", async () => {
    const created = await admin.post('/api/dashboard/clients', {
      name: 'Plan shop',
      tier: 'paid',
      allowedDomains: ['shop.example.com'],
    });
    expect(created.status).toBe(201);
    expect(created.data.client).toMatchObject({ tier: 'free', requestedTier: 'paid' });
    const { id } = created.data.client;
    const apiKey: string = created.data.apiKey;

    // PATCH cannot grant it either.
    const patched = await admin.patch(`/api/dashboard/clients/${id}`, { tier: 'paid' });
    expect(patched.data.client).toMatchObject({ tier: 'free', requestedTier: 'paid' });

    for (let i = 0; i < 3; i += 1) expect((await chat(apiKey)).status).toBe(200);
    const limited = await chat(apiKey);
    expect(limited.status).toBe(429);

    const env = {
      ...process.env,
      DATABASE_URL: stack.config.DATABASE_URL!,
      NODE_ENV: 'test' as const,
      LOG_LEVEL: 'silent',
    };
    const pending = await run('npm', ['run', '--silent', 'admin', '--', 'sites', '--pending'], { cwd: root, env });
    expect(pending.stdout).toContain(id);
    expect(pending.stdout).toContain('requested: paid');

    const granted = await run('npm', ['run', '--silent', 'admin', '--', 'set-tier', id, 'paid'], { cwd: root, env });
    expect(granted.stdout).toContain('free → paid');
    expect((await chat(apiKey)).status).toBe(200);
    expect((await admin.get(`/api/dashboard/clients/${id}`)).data.client).toMatchObject({
      tier: 'paid',
      requestedTier: null,
    });

    const usage = await run('npm', ['run', '--silent', 'admin', '--', 'set-tier', id, 'gold'], {
      cwd: root,
      env,
    }).catch((error) => error);
    expect(usage.code).toBe(1);
    expect(usage.stderr).toContain('Unknown tier');
  });

  it('lets operators set tiers through the internal API behind the secret', async () => {
    const created = await admin.post('/api/dashboard/clients', {
      name: 'API plan shop',
      tier: 'free',
      allowedDomains: ['shop.example.com'],
    });
    const { id } = created.data.client;
    const operator = new TestClient(stack.url);
    expect((await operator.request('PUT', `/internal/client/${id}/tier`, { json: { tier: 'paid' } })).status).toBe(401);
    const headers = { 'x-internal-secret': SECRET };
    const set = await operator.request('PUT', `/internal/client/${id}/tier`, { json: { tier: 'paid' }, headers });
    expect(set.data).toEqual({ clientId: id, tier: 'paid', previousTier: 'free' });
    expect(
      (await operator.request('PUT', `/internal/client/${id}/tier`, { json: { tier: 'gold' }, headers })).status,
    ).toBe(400);
    expect(
      (
        await operator.request('PUT', `/internal/client/${crypto.randomUUID()}/tier`, {
          json: { tier: 'paid' },
          headers,
        })
      ).status,
    ).toBe(404);
    const sites = await operator.get('/internal/sites', { headers });
    expect(sites.data.sites.find((site: { id: string }) => site.id === id)).toMatchObject({
      tier: 'paid',
      requestedTier: null,
    });
  });
});
