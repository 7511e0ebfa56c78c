import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../setup/stack';
import { TestClient } from '../http';
import { createClientWithKey, signUpAdmin } from '../factories';

const setups = [
  { database: 'postgres', vectorStore: 'pgvector' },
  { database: 'postgres', vectorStore: 'qdrant' },
  { database: 'pglite', vectorStore: 'pgvector' },
] as const;

for (const { database, vectorStore } of setups) {
  describe(`foundation on ${database} with ${vectorStore}`, () => {
    let stack: TestStack;
    beforeAll(async () => {
      stack = await startTestStack({ database, vectorStore, redis: database === 'postgres' });
    });
    afterAll(async () => {
      await stack?.close();
    });

    it('answers /health with every dependency ok, including the Temporal task queue', async () => {
      // The worker's first poll can take a moment after start-up.
      let response = await new TestClient(stack.url).get('/health');
      for (let attempt = 0; attempt < 40 && !(response.data.checks.temporal.pollers > 0); attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        response = await new TestClient(stack.url).get('/health');
      }
      expect(response.status).toBe(200);
      expect(response.data.status).toBe('ok');
      expect(response.data.checks.db).toMatchObject({ status: 'ok', kind: database });
      expect(response.data.checks.vectorStore).toMatchObject({ status: 'ok', kind: vectorStore });
      expect(response.data.checks.cache).toMatchObject({
        status: 'ok',
        kind: database === 'postgres' ? 'redis' : 'memory',
      });
      expect(response.data.checks.temporal.status).toBe('ok');
      expect(response.data.checks.temporal.pollers).toBeGreaterThan(0);
    });

    it("serves Prometheus metrics with the original design’s names (docs/architecture.md) on the operators' port only", async () => {
      expect((await new TestClient(stack.url).get('/metrics')).status).toBe(404);
      const response = await new TestClient(stack.metricsServer!.url.replace(/\/metrics$/, '')).get('/metrics');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/plain');
      for (const name of [
        'chat_requests_total',
        'chat_latency_seconds',
        'llm_tokens_total',
        'vector_search_duration_seconds',
        'embedding_cache_hits_total',
        'embedding_cache_misses_total',
      ]) {
        expect(response.text).toContain(name);
      }
    });

    it('registers, logs in, answers /me, and logs out', async () => {
      const { admin, email, user } = await signUpAdmin(stack.url);
      expect((await admin.get('/api/auth/me')).data.user).toEqual(user);
      expect((await admin.post('/api/auth/logout')).status).toBe(204);
      expect((await admin.get('/api/auth/me')).status).toBe(401);
      const wrong = await admin.post('/api/auth/login', { email, password: 'not the password' });
      expect(wrong.status).toBe(401);
      const unknown = await admin.post('/api/auth/login', {
        email: 'nobody@example.com',
        password: 'not the password',
      });
      expect(unknown.status).toBe(401);
      expect(unknown.data.error.message).toBe(wrong.data.error.message);
      expect((await admin.post('/api/auth/login', { email, password: 'correct horse battery' })).status).toBe(200);
      expect((await admin.get('/api/auth/me')).status).toBe(200);
    });

    it('refuses taken emails, weak passwords and bad emails with readable errors', async () => {
      const { email } = await signUpAdmin(stack.url);
      const visitor = new TestClient(stack.url);
      expect((await visitor.post('/api/auth/register', { email, password: 'long enough pw', name: 'X' })).status).toBe(
        409,
      );
      const weak = await visitor.post('/api/auth/register', { email: 'new@example.com', password: 'short', name: 'X' });
      expect(weak.status).toBe(400);
      expect(weak.data.error.message).toMatch(/8 characters/);
      expect(
        (await visitor.post('/api/auth/register', { email: 'not-an-email', password: 'long enough pw', name: 'X' }))
          .status,
      ).toBe(400);
    });

    it("creates a site with a key shown once, lists only the owner's sites, and hides them from others (404)", async () => {
      const { admin } = await signUpAdmin(stack.url);
      const { client, apiKey } = await createClientWithKey(admin, {
        allowedDomains: ['Shop.Example.com', '*.example.org'],
      });
      expect(apiKey).toMatch(/^pk_live_/);
      expect(client.allowedDomains).toEqual(['shop.example.com', '*.example.org']);
      const detail = await admin.get(`/api/dashboard/clients/${client.id}`);
      expect(detail.status).toBe(200);
      expect(JSON.stringify(detail.data)).not.toContain(apiKey);
      expect(detail.data.apiKeys[0].prefix).toBe(apiKey.slice(0, 12));

      const { admin: other } = await signUpAdmin(stack.url, 'Mallory');
      expect((await other.get('/api/dashboard/clients')).data.clients).toEqual([]);
      for (const [method, path] of [
        ['GET', `/api/dashboard/clients/${client.id}`],
        ['PATCH', `/api/dashboard/clients/${client.id}`],
        ['GET', `/api/dashboard/widget/${client.id}`],
        ['PUT', `/api/dashboard/widget/${client.id}`],
        ['POST', `/api/dashboard/clients/${client.id}/api-keys`],
        ['GET', `/api/dashboard/documents?clientId=${client.id}`],
        ['GET', `/api/dashboard/chats?clientId=${client.id}`],
        ['GET', `/api/dashboard/usage?clientId=${client.id}`],
      ] as const) {
        const response = await other.request(method, path, { json: method === 'GET' ? undefined : { name: 'pwned' } });
        expect(response.status, `${method} ${path}`).toBe(404);
        expect(response.data.error.code).toBe('not_found');
      }
      expect((await admin.get(`/api/dashboard/clients/${client.id}`)).data.client.name).toBe('Test shop');
    });

    it('validates allowed domains and updates a site', async () => {
      const { admin } = await signUpAdmin(stack.url);
      const { client } = await createClientWithKey(admin);
      const bad = await admin.patch(`/api/dashboard/clients/${client.id}`, { allowedDomains: ['https://x.com/path'] });
      expect(bad.status).toBe(400);
      expect(bad.data.error.message).toMatch(/origin only/);
      const good = await admin.patch(`/api/dashboard/clients/${client.id}`, {
        name: 'Renamed',
        tier: 'paid',
        allowedDomains: ['https://shop.example.com:8443'],
      });
      expect(good.status).toBe(200);
      expect(good.data.client).toMatchObject({
        name: 'Renamed',
        tier: 'paid',
        allowedDomains: ['https://shop.example.com:8443'],
      });
    });

    it('requires a session for the dashboard API and refuses cross-site writes', async () => {
      const anonymous = new TestClient(stack.url);
      expect((await anonymous.get('/api/dashboard/clients')).status).toBe(401);
      const { admin } = await signUpAdmin(stack.url);
      const crossSite = await admin.request('POST', '/api/dashboard/clients', {
        json: { name: 'x' },
        headers: { origin: 'https://evil.example' },
      });
      expect(crossSite.status).toBe(403);
      const script = await admin.post('/api/dashboard/clients', { name: 'From a script' });
      expect(script.status).toBe(201);
    });

    it('creates and revokes keys; a revoked key stops working within seconds', async () => {
      const { admin } = await signUpAdmin(stack.url);
      const { client, apiKey } = await createClientWithKey(admin);
      const visitor = new TestClient(stack.url);
      expect((await visitor.get('/api/widget/config', { headers: { 'x-api-key': apiKey } })).status).toBe(200);
      const created = await admin.post(`/api/dashboard/clients/${client.id}/api-keys`);
      expect(created.status).toBe(201);
      const keys = (await admin.get(`/api/dashboard/clients/${client.id}/api-keys`)).data.apiKeys;
      const first = keys.find((key: { prefix: string }) => key.prefix === apiKey.slice(0, 12));
      expect((await admin.delete(`/api/dashboard/clients/${client.id}/api-keys/${first.id}`)).status).toBe(204);
      await new Promise((resolve) => setTimeout(resolve, (stack.config.API_KEY_CACHE_TTL_SECONDS + 1) * 1000));
      expect((await visitor.get('/api/widget/config', { headers: { 'x-api-key': apiKey } })).status).toBe(401);
      expect((await visitor.get('/api/widget/config', { headers: { 'x-api-key': created.data.apiKey } })).status).toBe(
        200,
      );
    });

    it('serves widget config only to allowed origins, with CORS for them alone', async () => {
      const { admin } = await signUpAdmin(stack.url);
      const { client, apiKey } = await createClientWithKey(admin, { allowedDomains: ['shop.example.com'] });
      await admin.put(`/api/dashboard/widget/${client.id}`, { title: 'Ask Shop', primaryColor: '#112233' });
      const visitor = new TestClient(stack.url);
      const allowed = await visitor.get('/api/widget/config', {
        headers: { 'x-api-key': apiKey, origin: 'https://shop.example.com' },
      });
      expect(allowed.status).toBe(200);
      expect(allowed.data.widget).toMatchObject({
        title: 'Ask Shop',
        primaryColor: '#112233',
        position: 'bottom-right',
      });
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.example.com');
      const refused = await visitor.get('/api/widget/config', {
        headers: { 'x-api-key': apiKey, origin: 'https://evil-shop.example.com' },
      });
      expect(refused.status).toBe(403);
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
      expect((await visitor.get('/api/widget/config')).status).toBe(401);
      expect((await visitor.get('/api/widget/health')).data).toEqual({ status: 'ok' });
    });
  });
}
