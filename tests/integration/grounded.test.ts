import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../setup/stack';
import { createClientWithKey, readSse, signUpAdmin, waitForDocument } from '../factories';
import type { TestClient } from '../http';
import { BUILT_IN_REPLIES } from '../../core/replies/messages';

const POLICIES = [
  'Returns policy. Orders can be returned within 45 days of delivery for a full refund.',
  'Shipping. Standard shipping to Norway takes 6 to 8 working days. Express shipping costs 19 euros.',
  'Store hours. The Oslo flagship store is open from 10:00 to 16:00 on Saturdays and closed on Sundays.',
].join('\n\n');
const CATALOGUE =
  'Oak dining table, 180 cm, 1290 euros. Walnut bookshelf, 80 cm wide, 640 euros. All furniture is made in our Bergen workshop.';

describe('grounded answers, declines and small talk through the API (local answerer)', () => {
  let stack: TestStack;
  let admin: TestClient;
  let key: string;
  let clientId: string;

  beforeAll(async () => {
    stack = await startTestStack({
      database: 'pglite',
      redis: false,
      env: { RATE_LIMIT_FREE_PER_MINUTE: '1000', RATE_LIMIT_VISITOR_PER_MINUTE: '1000' },
    });
    ({ admin } = await signUpAdmin(stack.url));
    const created = await createClientWithKey(admin);
    key = created.apiKey;
    clientId = created.client.id;
    for (const [name, text] of [
      ['policies.txt', POLICIES],
      ['catalogue.txt', CATALOGUE],
    ]) {
      const upload = await admin.upload(clientId, name, text);
      expect((await waitForDocument(admin, upload.data.document.id)).status).toBe('ready');
    }
  });
  afterAll(async () => {
    await stack?.close();
  });

  const ask = async (message: string, extra: Record<string, unknown> = {}) => {
    const response = await fetch(new URL('/chat', stack.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify({ message, ...extra }),
    });
    return { status: response.status, body: await response.json() };
  };

  it.each([
    ['How much does express shipping cost?', /19 euros/, 'policies.txt'],
    ['How long do I have to return an order?', /45 days/, 'policies.txt'],
    ['How wide is the walnut bookshelf?', /80 cm/, 'catalogue.txt'],
  ])('answers %s from the documents, listing only the sources it cites', async (question, fact, file) => {
    const { body } = await ask(question);
    expect(body.grounded).toBe(true);
    expect(body.answer).toMatch(fact);
    expect(body.sources.length).toBeGreaterThan(0);
    expect(body.sources[0].filename).toBe(file);
    // Every listed source is cited as [n], and every [n] has its source.
    const cited = [
      ...new Set([...body.answer.matchAll(/\[(\d+)\]/g)].map((match: RegExpMatchArray) => Number(match[1]))),
    ];
    expect(cited.sort()).toEqual(body.sources.map((_: unknown, index: number) => index + 1));
    const text = body.answer.replace(/\s*\[\d+\]/g, '').trim();
    expect(text).toMatch(/^[A-Z0-9"“(]/);
    expect(text).toMatch(/[.!?]["”)]?$/);
  });

  it.each([
    'What is the capital of Australia?',
    'Who won the 1998 football world cup?',
    'Can you write me a poem about the sea?',
  ])('declines an off-topic question plainly, with no sources: %s', async (question) => {
    const { body } = await ask(question);
    expect(body).toMatchObject({ grounded: false, sources: [] });
    expect(body.answer).toBe(BUILT_IN_REPLIES.declined.en);
  });

  it.each([
    ['hi', BUILT_IN_REPLIES.greeting.en],
    ['Hello there!', BUILT_IN_REPLIES.greeting.en],
    ['thank you!', BUILT_IN_REPLIES.thanks.en],
    ['Are you a bot?', BUILT_IN_REPLIES.bot.en],
    ['Can I talk to a human?', BUILT_IN_REPLIES.human.en],
    ['¡Hola!', BUILT_IN_REPLIES.greeting.es],
    ['Merci beaucoup', BUILT_IN_REPLIES.thanks.fr],
    ['Kann ich mit einem Menschen sprechen?', BUILT_IN_REPLIES.human.de],
    ['Obrigado!', BUILT_IN_REPLIES.thanks.pt],
  ])('answers small talk as such: %s', async (message, reply) => {
    const { body } = await ask(message);
    expect(body).toMatchObject({ grounded: false, sources: [], answer: reply });
  });

  it('declines in the visitor language', async () => {
    const { body } = await ask('¿Cuál es la capital de Australia?');
    expect(body).toMatchObject({ grounded: false, sources: [], answer: BUILT_IN_REPLIES.declined.es });
  });

  it('puts grounded in the stream done event, for answers and declines alike', async () => {
    for (const [message, grounded] of [
      ['How much does express shipping cost?', true],
      ['What is the capital of Australia?', false],
      ['hi', false],
    ] as const) {
      const response = await fetch(new URL('/chat/stream', stack.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': key },
        body: JSON.stringify({ message }),
      });
      const events = await readSse(response);
      expect(events.at(-1)).toMatchObject({ event: 'done', data: { grounded } });
      expect(events.find((event) => event.event === 'sources')!.data.sources.length > 0).toBe(grounded);
    }
  });

  it('uses the site own reply texts once set, and logs reply kinds', async () => {
    const patched = await admin.patch(`/api/dashboard/clients/${clientId}`, {
      replyMessages: {
        declined: 'Sorry, our documents do not say. Call us on 555-0100.',
        greeting: 'Welcome to Oak & Co!',
      },
    });
    expect(patched.status, JSON.stringify(patched.data)).toBe(200);
    expect(patched.data.client.replyMessages).toEqual({
      declined: 'Sorry, our documents do not say. Call us on 555-0100.',
      greeting: 'Welcome to Oak & Co!',
    });
    const sessionId = 'visitor:42.test_session-1';
    // The key cache keeps the old client for up to API_KEY_CACHE_TTL_SECONDS (5 s).
    await expect
      .poll(async () => (await ask('What is the capital of Australia?', { sessionId })).body.answer, {
        timeout: 15_000,
        interval: 500,
      })
      .toBe('Sorry, our documents do not say. Call us on 555-0100.');
    expect((await ask('hello', { sessionId })).body.answer).toBe('Welcome to Oak & Co!');
    expect((await ask('How much does express shipping cost?', { sessionId })).body.grounded).toBe(true);
    const rows = async () =>
      stack.container.db
        .knex('chat_messages as m')
        .join('chat_sessions as s', 's.id', 'm.chat_session_id')
        .where({ 's.session_id': sessionId })
        .select('m.reply_kind', 'm.grounded');
    const kinds = async () => [...new Set((await rows()).map((row) => `${row.reply_kind}:${row.grounded}`))].sort();
    await expect
      .poll(kinds, { timeout: 30_000, interval: 500 })
      .toEqual(['answer:true', 'declined:false', 'small_talk:false']);
    expect(
      (await admin.patch(`/api/dashboard/clients/${clientId}`, { replyMessages: { greeting: 'x'.repeat(501) } }))
        .status,
    ).toBe(400);
  });

  it('takes any session id of 1–128 of [A-Za-z0-9._:-], makes one when absent, and refuses others with 400', async () => {
    const made = await ask('hi');
    expect(made.body.sessionId).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
    for (const sessionId of ['a', 'x'.repeat(128), 'user:42.session_1-b']) {
      expect((await ask('hi', { sessionId })).body.sessionId).toBe(sessionId);
    }
    for (const sessionId of ['', 'x'.repeat(129), 'has space', 'semi;colon', 'é', 42]) {
      const { status, body } = await ask('hi', { sessionId });
      expect(status, String(sessionId)).toBe(400);
      expect(body.error.code).toBe('invalid_input');
      const stream = await fetch(new URL('/chat/stream', stack.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': key },
        body: JSON.stringify({ message: 'hi', sessionId }),
      });
      expect(stream.status).toBe(400);
      await stream.arrayBuffer();
    }
    const url = new URL('/chat/stream', stack.url);
    url.searchParams.set('message', 'hi');
    url.searchParams.set('apiKey', key);
    url.searchParams.set('sessionId', 'bad id');
    expect((await fetch(url)).status).toBe(400);
    url.searchParams.set('sessionId', 'good:id');
    const events = await readSse(await fetch(url));
    expect(events[0]).toMatchObject({ event: 'meta', data: { sessionId: 'good:id' } });
  });
});

describe('follow-up questions', () => {
  let stack: TestStack;
  let key: string;
  beforeAll(async () => {
    stack = await startTestStack({ database: 'pglite', redis: false });
    const { admin } = await signUpAdmin(stack.url);
    const created = await createClientWithKey(admin);
    key = created.apiKey;
    const upload = await admin.upload(created.client.id, 'policies.txt', POLICIES);
    expect((await waitForDocument(admin, upload.data.document.id)).status).toBe('ready');
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('answers a bare follow-up from the topic of the previous question', async () => {
    const post = async (message: string, sessionId?: string) =>
      (
        await fetch(new URL('/chat', stack.url), {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': key },
          body: JSON.stringify({ message, sessionId }),
        })
      ).json();
    const first = await post('When is the Oslo store open on Saturdays?');
    expect(first).toMatchObject({ grounded: true });
    const second = await post('And on Sundays?', first.sessionId);
    expect(second.grounded).toBe(true);
    expect(second.answer).toMatch(/closed on Sundays/);
  });
});
