import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../setup/stack';
import { createClientWithKey, readSse, signUpAdmin, waitForDocument } from '../factories';
import { startFakeAnthropic } from '../fakes/anthropic-server';
import { startFakeOpenAi } from '../fakes/openai-server';
import { BUILT_IN_REPLIES } from '../../core/replies/messages';

const POLICY = [
  'Returns are accepted within 45 days of delivery.',
  'Express shipping to Norway costs 19 euros.',
  'Gift cards are valid for two years and cannot be exchanged for cash.',
];

describe('the grounded contract with a hosted LLM (real SDKs against wire-true fakes)', () => {
  let stack: TestStack;
  let anthropic: Awaited<ReturnType<typeof startFakeAnthropic>>;
  let openai: Awaited<ReturnType<typeof startFakeOpenAi>>;
  let freeKey: string;
  let paidKey: string;

  beforeAll(async () => {
    anthropic = await startFakeAnthropic();
    openai = await startFakeOpenAi();
    stack = await startTestStack({
      database: 'pglite',
      redis: false,
      env: {
        ANTHROPIC_API_KEY: anthropic.apiKey,
        ANTHROPIC_BASE_URL: anthropic.baseURL,
        OPENAI_API_KEY: openai.apiKey,
        OPENAI_BASE_URL: openai.baseURL,
        EMBEDDING_PROVIDER: 'local',
      },
    });
    const { admin } = await signUpAdmin(stack.url);
    const free = await createClientWithKey(admin, { tier: 'free' });
    const paid = await createClientWithKey(admin, { tier: 'paid', name: 'Paid shop' });
    freeKey = free.apiKey;
    paidKey = paid.apiKey;
    for (const clientId of [free.client.id, paid.client.id]) {
      for (const [index, text] of POLICY.entries()) {
        const upload = await admin.upload(clientId, `policy-${index + 1}.txt`, text);
        expect((await waitForDocument(admin, upload.data.document.id)).status).toBe('ready');
      }
    }
  });
  afterAll(async () => {
    await stack?.close();
    await anthropic?.close();
    await openai?.close();
  });

  const ask = async (key: string, message: string) =>
    (
      await fetch(new URL('/chat', stack.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': key },
        body: JSON.stringify({ message }),
      })
    ).json();

  it('turns a model reply that opens with [NO_ANSWER] into the decline: grounded false, no sources', async () => {
    openai.enqueue({
      kind: 'reply',
      text: "[NO_ANSWER] I couldn't find how long gift card refunds take in the documents.",
    });
    const body = await ask(freeKey, 'How long does a refund of a gift card take?');
    expect(body).toMatchObject({ grounded: false, sources: [], answer: BUILT_IN_REPLIES.declined.en });
    expect(body.usage.model).toBe('gpt-4o-mini');
    // The prompt told the model how to say so.
    const request = openai.requests.at(-1)!.body as { messages: Array<{ role: string; content: string }> };
    expect(request.messages[0].content).toContain('[NO_ANSWER]');
  });

  it('never calls the model when retrieval finds nothing relevant', async () => {
    const before = anthropic.requests.length;
    const events = await readSse(
      await fetch(new URL('/chat/stream', stack.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': paidKey },
        body: JSON.stringify({ message: 'What is the capital of Australia?' }),
      }),
    );
    expect(anthropic.requests.length).toBe(before);
    expect(
      events
        .filter((event) => event.event === 'token')
        .map((event) => event.data.text)
        .join(''),
    ).toBe(BUILT_IN_REPLIES.declined.en);
    expect(events.find((event) => event.event === 'sources')!.data.sources).toEqual([]);
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { grounded: false } });
  });

  it('never sends small talk to the model', async () => {
    const before = openai.requests.length;
    expect(await ask(freeKey, 'Can I talk to a human?')).toMatchObject({
      grounded: false,
      sources: [],
      answer: BUILT_IN_REPLIES.human.en,
    });
    expect(openai.requests.length).toBe(before);
  });

  it('lists only the cited sources, renumbered in citation order, with grounded true', async () => {
    anthropic.enqueue({ kind: 'reply', text: 'Express shipping to Norway costs 19 euros [2].' });
    const events = await readSse(
      await fetch(new URL('/chat/stream', stack.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': paidKey },
        body: JSON.stringify({ message: 'How much is express shipping to Norway, and can gift cards be returned?' }),
      }),
    );
    const request = anthropic.requests.at(-1)!.body as { system: Array<{ text: string }> };
    const excerpts = [...request.system[1].text.matchAll(/number="(\d+)" file="([^"]+)"/g)].map((match) => match[2]);
    expect(excerpts.length).toBeGreaterThanOrEqual(2);
    const answer = events
      .filter((event) => event.event === 'token')
      .map((event) => event.data.text)
      .join('');
    expect(answer).toBe('Express shipping to Norway costs 19 euros [1].');
    const sources = events.find((event) => event.event === 'sources')!.data.sources;
    expect(sources.map((source: { filename: string }) => source.filename)).toEqual([excerpts[1]]);
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { grounded: true } });
  });

  it('counts a citation-less refusal that forgot the marker as not grounded', async () => {
    openai.enqueue({ kind: 'reply', text: "Sorry, I couldn't find that in this website's documents." });
    const body = await ask(freeKey, 'Can gift cards be exchanged for shoes?');
    expect(body).toMatchObject({ grounded: false, sources: [] });
  });
});
