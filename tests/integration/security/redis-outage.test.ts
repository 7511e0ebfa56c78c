import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../../setup/stack';
import { TEST_REDIS_URL } from '../../setup/global-setup';
import { createClientWithKey, signUpAdmin, waitForDocument } from '../../factories';
import { startTcpProxy } from '../../fakes/tcp-proxy';

// Redis behind a proxy the test can cut (connections dropped) or freeze (a partition: sockets stay
// open and silent). The shared Redis itself is never touched.
describe('Redis outages', () => {
  let stack: TestStack;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let apiKey: string;

  beforeAll(async () => {
    const target = new URL(TEST_REDIS_URL);
    proxy = await startTcpProxy({ targetHost: target.hostname, targetPort: Number(target.port || 6379) });
    stack = await startTestStack({ env: { REDIS_URL: `redis://127.0.0.1:${proxy.port}` } });
    const { admin } = await signUpAdmin(stack.url);
    const created = await createClientWithKey(admin);
    apiKey = created.apiKey;
    const upload = await admin.upload(
      created.client.id,
      'faq.txt',
      'Gift cards are valid for three years from the date of purchase.',
    );
    expect((await waitForDocument(admin, upload.data.document.id)).status).toBe('ready');
    await waitForCache('ok');
  });
  afterAll(async () => {
    await stack?.close();
    await proxy?.close();
  });

  const cacheStatus = async () => {
    const response = await fetch(new URL('/health', stack.url));
    return ((await response.json()) as { checks: { cache: { status: string } } }).checks.cache.status;
  };
  /** Polls /health until the cache check says `status`; fails after `seconds`. */
  const waitForCache = async (status: 'ok' | 'down', seconds = 30) => {
    const deadline = Date.now() + seconds * 1000;
    while ((await cacheStatus()) !== status) {
      if (Date.now() > deadline) throw new Error(`cache did not become ${status} within ${seconds} s`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };
  // A chat that hangs would hit this abort and fail the test; a bounded answer passes.
  const ask = async (message: string) => {
    const response = await fetch(new URL('/chat', stack.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify({ message, sessionId: crypto.randomUUID() }),
      signal: AbortSignal.timeout(60_000),
    });
    return { status: response.status, body: (await response.json()) as { answer?: string } };
  };

  it('keeps answering chats on a frozen Redis socket, and recovers once Redis is reachable again', async () => {
    proxy.freeze();
    await waitForCache('down');
    for (const index of [1, 2, 3]) {
      const turn = await ask(`How long are gift cards valid? (${index})`);
      expect(turn.status).toBe(200);
      expect(turn.body.answer).toMatch(/three years/);
    }
    proxy.thaw();
    // The frozen socket stays silent forever: only a client that replaces it comes back.
    await waitForCache('ok');
    expect((await ask('How long are gift cards valid?')).status).toBe(200);
  });

  it('recovers after a cut connection comes back', async () => {
    await proxy.cut();
    await waitForCache('down');
    expect((await ask('How long are gift cards valid? (cut)')).status).toBe(200);
    await proxy.restore();
    await waitForCache('ok');
  });
});
