import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../../setup/stack';
import { createClientWithKey, signUpAdmin, waitForDocument } from '../../factories';
import { startFakeOpenAi } from '../../fakes/openai-server';
import type { TestClient } from '../../http';

describe('a visitor who leaves before the first token', () => {
  let stack: TestStack;
  let openai: Awaited<ReturnType<typeof startFakeOpenAi>>;
  let admin: TestClient;
  let apiKey: string;
  let clientId: string;

  beforeAll(async () => {
    openai = await startFakeOpenAi();
    stack = await startTestStack({
      dashboard: 'build',
      env: { OPENAI_API_KEY: openai.apiKey, OPENAI_BASE_URL: openai.baseURL, LLM_PROVIDER: 'openai', EMBEDDING_PROVIDER: 'local' },
    });
    ({ admin } = await signUpAdmin(stack.url));
    const created = await createClientWithKey(admin);
    apiKey = created.apiKey;
    clientId = created.client.id;
    const upload = await admin.upload(clientId, 'faq.txt', 'Gift cards are valid for three years from the date of purchase.');
    expect((await waitForDocument(admin, upload.data.document.id)).status).toBe('ready');
  });
  afterAll(async () => {
    await stack?.close();
    await openai?.close();
  });

  it('leaves a logged turn with status aborted and the prompt tokens spent, shown in the conversation', async () => {
    openai.enqueue({ kind: 'hang' });
    const sessionId = crypto.randomUUID();
    const leave = new AbortController();
    const response = await fetch(new URL('/chat/stream', stack.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify({ message: 'How long are gift cards valid?', sessionId }),
      signal: leave.signal,
    });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain('event: meta');
    // The LLM has the question but has not answered: wait until it holds the request, then leave.
    while (openai.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    leave.abort();

    let message: { status: string; tokensIn: number; answer: string; question: string } | undefined;
    const deadline = Date.now() + 60_000;
    while (!message && Date.now() < deadline) {
      const found = await admin.get(`/api/dashboard/chats/${encodeURIComponent(sessionId)}?clientId=${clientId}`);
      if (found.status === 200) message = found.data.session.messages[0];
      else await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(message, 'the aborted turn was never logged').toBeTruthy();
    expect(message).toMatchObject({ status: 'aborted', question: 'How long are gift cards valid?', answer: '' });
    expect(message!.tokensIn).toBeGreaterThan(20);

    const page = await admin.get(`/sites/${clientId}/conversations/${encodeURIComponent(sessionId)}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Stopped');
  });
});
