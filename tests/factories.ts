import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';

// Plain assertions, not vitest's: benchmarks and scripts use these factories outside a test run.
import { TestClient } from './http';

/** A signed-up admin with a session cookie. */
export async function signUpAdmin(baseUrl: string, name = 'Ada Admin') {
  const admin = new TestClient(baseUrl);
  const email = `admin-${randomUUID().slice(0, 8)}@example.com`;
  const response = await admin.post('/api/auth/register', { email, password: 'correct horse battery', name });
  assert.equal(response.status, 201, JSON.stringify(response.data));
  return { admin, email, user: response.data.user as { id: string; email: string; name: string } };
}

/** A site (client) with its publishable key. */
export async function createClientWithKey(
  admin: TestClient,
  {
    tier = 'free',
    allowedDomains = ['shop.example.com'],
    name = 'Test shop',
  }: { tier?: 'free' | 'paid'; allowedDomains?: string[]; name?: string } = {},
) {
  const response = await admin.post('/api/dashboard/clients', { name, tier, allowedDomains });
  assert.equal(response.status, 201, JSON.stringify(response.data));
  return {
    client: response.data.client as { id: string; tier: string; allowedDomains: string[] },
    apiKey: response.data.apiKey as string,
  };
}

/** Polls a document until it leaves queued/processing. */
export async function waitForDocument(admin: TestClient, documentId: string, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await admin.get(`/api/dashboard/documents/${documentId}`);
    assert.equal(response.status, 200, JSON.stringify(response.data));
    const document = response.data.document;
    if (document.status === 'ready' || document.status === 'failed') return document;
    if (Date.now() > deadline)
      throw new Error(`document ${documentId} still ${document.status} (${JSON.stringify(document.progress)})`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Reads an SSE response into its events. */
export async function readSse(response: Response): Promise<Array<{ event: string; data: any }>> {
  const text = await response.text();
  return text
    .split('\n\n')
    .filter((block) => block.trim() && !block.startsWith(':'))
    .map((block) => {
      const lines = block.split('\n').filter((line) => !line.startsWith(':'));
      const event = lines.find((line) => line.startsWith('event: '))?.slice(7) ?? 'message';
      const data = lines
        .filter((line) => line.startsWith('data: '))
        .map((line) => line.slice(6))
        .join('\n');
      return { event, data: data ? JSON.parse(data) : null };
    })
    .filter((event) => event.data !== null || event.event !== 'message');
}
