import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../../setup/stack';
import { createClientWithKey, signUpAdmin, waitForDocument } from '../../factories';
import { startFakeOpenAi } from '../../fakes/openai-server';
import { startFakeAnthropic } from '../../fakes/anthropic-server';
import type { TestClient } from '../../http';

describe('a visitor who leaves before the first token', () => {
  let stack: TestStack;
  let openai: Awaited<ReturnType<typeof startFakeOpenAi>>;
  let anthropic: Awaited<ReturnType<typeof startFakeAnthropic>>;
  let admin: TestClient;

  beforeAll(async () => {
    openai = await startFakeOpenAi();
    anthropic = await startFakeAnthropic();
    // Free sites answer through OpenAI, paid ones through Anthropic (LLM_PROVIDER=auto).
    stack = await startTestStack({
      dashboard: 'build',
      env: {
        OPENAI_API_KEY: openai.apiKey,
        OPENAI_BASE_URL: openai.baseURL,
        ANTHROPIC_API_KEY: anthropic.apiKey,
        ANTHROPIC_BASE_URL: anthropic.baseURL,
        EMBEDDING_PROVIDER: 'local',
      },
    });
    ({ admin } = await signUpAdmin(stack.url));
  });
  afterAll(async () => {
    await stack?.close();
    await openai?.close();
    await anthropic?.close();
  });

  for (const tier of ['free', 'paid'] as const) {
    it(`leaves a logged turn with status aborted and the prompt tokens spent, shown in the conversation (${tier} tier)`, async () => {
      const { client, apiKey } = await createClientWithKey(admin, { tier });
      const upload = await admin.upload(
        client.id,
        'faq.txt',
        'Gift cards are valid for three years from the date of purchase.',
      );
      expect((await waitForDocument(admin, upload.data.document.id)).status).toBe('ready');
      const llm = tier === 'free' ? openai : anthropic;
      llm.enqueue({ kind: 'hang' });
      const asked = llm.requests.length;

      const sessionId = crypto.randomUUID();
      const leave = new AbortController();
      const response = await fetch(new URL('/chat/stream', stack.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
        body: JSON.stringify({ message: 'How long are gift cards valid?', sessionId }),
        signal: leave.signal,
      });
      expect(response.status).toBe(200);
      const first = new TextDecoder().decode((await response.body!.getReader().read()).value);
      expect(first).toContain('event: meta');
      // The LLM has the question but has not answered: wait until it holds the request, then leave.
      while (llm.requests.length === asked) await new Promise((resolve) => setTimeout(resolve, 50));
      leave.abort();

      let message: { status: string; tokensIn: number; answer: string; question: string } | undefined;
      const deadline = Date.now() + 60_000;
      while (!message && Date.now() < deadline) {
        const found = await admin.get(`/api/dashboard/chats/${encodeURIComponent(sessionId)}?clientId=${client.id}`);
        if (found.status === 200) message = found.data.session.messages[0];
        else await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(message, 'the aborted turn was never logged').toBeTruthy();
      expect(message).toMatchObject({ status: 'aborted', question: 'How long are gift cards valid?', answer: '' });
      expect(message!.tokensIn).toBeGreaterThan(20);

      const page = await admin.get(`/sites/${client.id}/conversations/${encodeURIComponent(sessionId)}`);
      expect(page.status).toBe(200);
      expect(page.text).toContain('Stopped');
    });
  }
});
