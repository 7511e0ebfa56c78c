import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../setup/stack';
import { createClientWithKey, signUpAdmin, waitForDocument } from '../factories';
import { startTcpProxy } from '../fakes/tcp-proxy';
import type { TestClient } from '../http';

describe('a 20-second PostgreSQL outage during chats', () => {
  let stack: TestStack;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let admin: TestClient;
  let apiKey: string;
  let clientId: string;

  beforeAll(async () => {
    stack = await startTestStack({
      database: 'postgres',
      // Vectors outside the database (Qdrant), as in production: chats can be answered while it is down.
      vectorStore: 'qdrant',
      wrapDatabaseUrl: async (url) => {
        const parsed = new URL(url);
        proxy = await startTcpProxy({ targetHost: parsed.hostname, targetPort: Number(parsed.port || 5432) });
        parsed.hostname = '127.0.0.1';
        parsed.port = String(proxy.port);
        return parsed.toString();
      },
    });
    ({ admin } = await signUpAdmin(stack.url));
    const created = await createClientWithKey(admin);
    apiKey = created.apiKey;
    clientId = created.client.id;
    const upload = await admin.upload(
      clientId,
      'faq.txt',
      'Gift cards are valid for three years from the date of purchase.',
    );
    expect((await waitForDocument(admin, upload.data.document.id)).status).toBe('ready');
  });
  afterAll(async () => {
    await stack?.close();
    await proxy?.close();
  });

  const ask = async (message: string, sessionId: string) => {
    const response = await fetch(new URL('/chat', stack.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify({ message, sessionId }),
    });
    return { status: response.status, body: await response.json() };
  };

  it('keeps answering, and logs every turn once the database is back', async () => {
    const sessionId = crypto.randomUUID();
    const before = await ask('How long are gift cards valid?', sessionId);
    expect(before.status).toBe(200);

    await proxy.cut();
    const outageStarted = Date.now();
    const during: number[] = [];
    for (let index = 0; index < 5; index++) {
      const turn = await ask(`How long are gift cards valid? (${index})`, sessionId);
      during.push(turn.status);
      if (turn.status === 200) expect(turn.body.answer).toMatch(/three years/);
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
    expect(during).toEqual([200, 200, 200, 200, 200]);
    const health = await fetch(new URL('/health', stack.url));
    expect(health.status).toBe(503);
    expect((await health.json()).down).toContain('db');
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 20_000 - (Date.now() - outageStarted))));
    await proxy.restore();

    const deadline = Date.now() + 60_000;
    let count = 0;
    while (Date.now() < deadline) {
      const chats = await admin.get(`/api/dashboard/chats?clientId=${clientId}`);
      if (chats.status === 200) {
        count =
          chats.data.sessions.find((session: { sessionId: string }) => session.sessionId === sessionId)?.messageCount ??
          0;
        if (count >= 6) break;
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    expect(count).toBe(6);
    const usage = await admin.get(`/api/dashboard/usage?clientId=${clientId}&days=1`);
    expect(usage.data.days[0].requests).toBe(6);
  }, 150_000);
});
