import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordChatTurn } from '../../core/services/chat-log';
import { startTestStack, type TestStack } from '../setup/stack';
import { createClientWithKey, signUpAdmin, waitForDocument } from '../factories';
import type { TestClient } from '../http';
import { eventually, startReceiver } from '../loop-helpers';

const POLICIES = [
  'Returns policy. Orders can be returned within 45 days of delivery for a full refund.',
  'Shipping. Standard shipping to Norway takes 6 to 8 working days. Express shipping costs 19 euros.',
].join('\n\n');

describe('closing the loop: feedback, unanswered, written answers, contacts', () => {
  let stack: TestStack;
  let adminA: TestClient;
  let adminB: TestClient;
  let clientA: string;
  let keyA: string;
  let _clientB: string;
  let keyB: string;

  beforeAll(async () => {
    stack = await startTestStack({
      database: 'postgres',
      env: {
        ALLOW_PRIVATE_URLS: 'true',
        WEBHOOK_RETRY_INITIAL_SECONDS: '0.2',
        WEBHOOK_RETRY_MAX_INTERVAL_SECONDS: '0.5',
        RATE_LIMIT_VISITOR_PER_MINUTE: '1000',
      },
    });
    ({ admin: adminA } = await signUpAdmin(stack.url));
    ({ admin: adminB } = await signUpAdmin(stack.url, 'Bob'));
    const a = await createClientWithKey(adminA, { allowedDomains: ['shop-a.example.com'] });
    [clientA, keyA] = [a.client.id, a.apiKey];
    const b = await createClientWithKey(adminB, { allowedDomains: ['shop-b.example.com'] });
    [_clientB, keyB] = [b.client.id, b.apiKey];
    const upload = await adminA.upload(clientA, 'policies.txt', POLICIES);
    expect((await waitForDocument(adminA, upload.data.document.id)).status).toBe('ready');
  }, 180_000);
  afterAll(async () => {
    await stack?.close();
  });

  const post = async (path: string, key: string, body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(new URL(path, stack.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key, ...headers },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, data: text ? JSON.parse(text) : undefined, headers: response.headers };
  };
  const ask = (key: string, message: string, sessionId?: string) =>
    post('/chat', key, { message, ...(sessionId ? { sessionId } : {}) });
  const waitLogged = (messageId: string) =>
    eventually(
      () => stack.container.db.knex('chat_messages').where({ id: messageId }).first(),
      `message ${messageId} logged`,
    );

  it('rates an answer: 204, a second rating replaces the first, counted in usage, shown in the transcript and the Feedback view', async () => {
    const answer = await ask(keyA, 'How long does standard shipping to Norway take?');
    expect(answer.status).toBe(200);
    const { messageId, sessionId } = answer.data;
    // Rated at once: the log may not have landed yet, and the rating still counts.
    expect(
      (
        await post(
          '/chat/feedback',
          keyA,
          { messageId, sessionId, rating: 'up' },
          { origin: 'https://shop-a.example.com' },
        )
      ).status,
    ).toBe(204);
    expect(
      (await post('/chat/feedback', keyA, { messageId, sessionId, rating: 'down', comment: 'Too slow' })).status,
    ).toBe(204);

    const feedback = await adminA.get(`/api/dashboard/feedback?clientId=${clientA}`);
    expect(feedback.status).toBe(200);
    expect(feedback.data.feedback).toHaveLength(1);
    expect(feedback.data.feedback[0]).toMatchObject({
      messageId,
      sessionId,
      rating: 'down',
      comment: 'Too slow',
      question: 'How long does standard shipping to Norway take?',
    });
    expect(feedback.data.feedback[0].answer).toMatch(/6 to 8 working days/);
    expect((await adminA.get(`/api/dashboard/feedback?clientId=${clientA}&rating=up`)).data.feedback).toHaveLength(0);
    expect(
      (await adminA.get(`/api/dashboard/feedback?clientId=${clientA}&rating=down&days=7`)).data.feedback,
    ).toHaveLength(1);
    expect((await adminA.get(`/api/dashboard/feedback?clientId=${clientA}&rating=sideways`)).status).toBe(400);

    const usage = await adminA.get(`/api/dashboard/usage?clientId=${clientA}&days=1`);
    expect(usage.data.days.at(-1)).toMatchObject({ feedbackUp: 0, feedbackDown: 1 });
    const transcript = await adminA.get(`/api/dashboard/chats/${sessionId}?clientId=${clientA}`);
    expect(transcript.data.session.messages[0].feedback).toMatchObject({ rating: 'down', comment: 'Too slow' });
  });

  it('refuses feedback for another session or another client (404) and bad input (400)', async () => {
    const answer = await ask(keyA, 'How much does express shipping cost?');
    const { messageId, sessionId } = answer.data;
    await waitLogged(messageId);
    expect((await post('/chat/feedback', keyA, { messageId, sessionId: 'someone-else', rating: 'up' })).status).toBe(
      404,
    );
    const foreign = await post('/chat/feedback', keyB, { messageId, sessionId, rating: 'down' });
    expect(foreign.status).toBe(404);
    expect(foreign.data.error.code).toBe('not_found');
    expect((await post('/chat/feedback', keyA, { messageId, sessionId, rating: 'meh' })).status).toBe(400);
    expect((await post('/chat/feedback', keyA, { messageId: 'not-a-uuid', sessionId, rating: 'up' })).status).toBe(400);
    expect((await post('/chat/feedback', keyA, { messageId, sessionId: 'bad id!', rating: 'up' })).status).toBe(400);
    expect(
      (await post('/chat/feedback', keyA, { messageId, sessionId, rating: 'up', comment: 'x'.repeat(1001) })).status,
    ).toBe(400);
    expect(
      (await post('/chat/feedback', 'pk_live_notakeynotakeynotakey', { messageId, sessionId, rating: 'up' })).status,
    ).toBe(401);
    expect(
      (
        await post(
          '/chat/feedback',
          keyA,
          { messageId, sessionId, rating: 'up' },
          { origin: 'https://evil.example.net' },
        )
      ).status,
    ).toBe(403);
    expect((await adminB.get(`/api/dashboard/feedback?clientId=${clientA}`)).status).toBe(404);
  });

  it('lists unanswered questions grouped by wording, most asked first, small talk excluded', async () => {
    const knex = stack.container.db.knex;
    const turn = (
      question: string,
      sessionId: string,
      replyKind: 'declined' | 'small_talk' | 'answer',
      grounded: boolean,
    ) =>
      recordChatTurn(knex, {
        messageId: randomUUID(),
        clientId: clientA,
        sessionId,
        question,
        answer: replyKind === 'declined' ? "I could not find that in this site's documents." : 'Hello!',
        sources: [],
        model: 'local-extractive',
        tokensIn: 0,
        tokensOut: 0,
        cachedTokens: 0,
        latencyMs: 1,
        status: 'ok',
        grounded,
        replyKind,
        createdAt: new Date().toISOString(),
      });
    await turn('Do you ship to Mars?', 'visitor-1', 'declined', false);
    await turn('do you ship to   MARS', 'visitor-2', 'declined', false);
    await turn('Do you ship to Mars!?', 'visitor-2', 'declined', false);
    await turn('Can I pay with bitcoin?', 'visitor-3', 'declined', false);
    await turn('Hello there', 'visitor-3', 'small_talk', false);

    const response = await adminA.get(`/api/dashboard/unanswered?clientId=${clientA}&days=30`);
    expect(response.status).toBe(200);
    const questions = response.data.questions as Array<{
      question: string;
      count: number;
      reason: string;
      sessionIds: string[];
      lastAskedAt: string;
    }>;
    expect(questions[0]).toMatchObject({ count: 3, reason: 'not_found' });
    expect(questions[0].question.toLowerCase()).toContain('mars');
    expect(questions[0].sessionIds.sort()).toEqual(['visitor-1', 'visitor-2']);
    expect(Date.parse(questions[0].lastAskedAt)).toBeGreaterThan(0);
    expect(questions.find((entry) => /bitcoin/.test(entry.question))).toMatchObject({
      count: 1,
      reason: 'not_found',
      sessionIds: ['visitor-3'],
    });
    expect(questions.find((entry) => /hello/i.test(entry.question))).toBeUndefined();
    // The answer rated down in the first test is there too.
    expect(questions.find((entry) => /standard shipping/.test(entry.question))).toMatchObject({
      reason: 'rated_down',
      count: 1,
    });
    expect((await adminB.get(`/api/dashboard/unanswered?clientId=${clientA}`)).status).toBe(404);

    // Through the real chat path: an off-topic question is declined, a greeting is small talk.
    const declined = await ask(keyA, 'What is the capital of Australia?');
    expect(declined.data.grounded).toBe(false);
    const greeting = await ask(keyA, 'hello!');
    await waitLogged(declined.data.messageId);
    await waitLogged(greeting.data.messageId);
    const again = (await adminA.get(`/api/dashboard/unanswered?clientId=${clientA}`)).data.questions as Array<{
      question: string;
      reason: string;
      sessionIds: string[];
    }>;
    expect(again.find((entry) => /australia/i.test(entry.question))).toMatchObject({
      reason: 'not_found',
      sessionIds: [declined.data.sessionId],
    });
    expect(again.find((entry) => /^hello/i.test(entry.question))).toBeUndefined();
    expect((await adminA.get('/api/dashboard/unanswered')).status).toBe(400);
  });

  it('answers with a written answer (same wording or a close one), cited as Q&A, and edits and deletes take effect at once', async () => {
    const base = `/api/dashboard/clients/${clientA}/answers`;
    const created = await adminA.post(base, {
      question: 'Do you ship to Mars?',
      answer: 'Not yet: we ship to Earth addresses only.',
    });
    expect(created.status).toBe(201);
    expect(created.data.answer).toMatchObject({
      id: expect.any(String),
      question: 'Do you ship to Mars?',
      answer: 'Not yet: we ship to Earth addresses only.',
      createdAt: expect.any(String),
    });
    const answerId = created.data.answer.id;
    expect((await adminA.post(base, { question: 'do you ship to mars', answer: 'dup' })).status).toBe(409);
    expect((await adminA.post(base, { question: '', answer: 'x' })).status).toBe(400);
    expect((await adminA.get(base)).data.answers).toHaveLength(1);
    expect((await adminB.get(base)).status).toBe(404);
    expect((await adminB.post(base, { question: 'q', answer: 'a' })).status).toBe(404);
    expect((await adminB.delete(`${base}/${answerId}`)).status).toBe(404);

    // Cached retrieval for this wording must not survive the new answer.
    const first = await ask(keyA, 'DO YOU SHIP TO MARS??');
    expect(first.data).toMatchObject({ answer: 'Not yet: we ship to Earth addresses only.', grounded: true });
    expect(first.data.sources).toEqual([expect.objectContaining({ filename: 'Q&A' })]);
    const logged = await waitLogged(first.data.messageId);
    expect(logged).toMatchObject({ reply_kind: 'written', grounded: true });

    const close = await ask(keyA, 'Can you ship to Mars?');
    expect(close.data.answer).toBe('Not yet: we ship to Earth addresses only.');
    const unrelated = await ask(keyA, 'How long does standard shipping to Norway take?');
    expect(unrelated.data.answer).toMatch(/6 to 8 working days/);

    expect((await adminA.patch(`${base}/${answerId}`, { answer: 'Mars deliveries start in 2030.' })).status).toBe(200);
    expect((await ask(keyA, 'Do you ship to Mars?')).data.answer).toBe('Mars deliveries start in 2030.');
    // The Unanswered view knows the question has an answer now.
    const unanswered = await adminA.get(`/api/dashboard/unanswered?clientId=${clientA}`);
    expect(
      unanswered.data.questions.find((entry: { question: string }) => /mars/i.test(entry.question)).writtenAnswerId,
    ).toBe(answerId);

    expect((await adminA.delete(`${base}/${answerId}`)).status).toBe(204);
    expect((await adminA.delete(`${base}/${answerId}`)).status).toBe(404);
    const after = await ask(keyA, 'Do you ship to Mars?');
    expect(after.data.answer).not.toContain('2030');
    expect(after.data.sources.every((source: { filename: string }) => source.filename !== 'Q&A')).toBe(true);
  });

  it('stores a contact request (202) and POSTs it to the webhook signed with HMAC-SHA256', async () => {
    const receiver = await startReceiver();
    try {
      const patched = await adminA.patch(`/api/dashboard/clients/${clientA}`, { webhookUrl: receiver.url });
      expect(patched.status).toBe(200);
      expect(patched.data.client.webhookUrl).toBe(receiver.url);
      expect(patched.data.client.webhookSecret).toMatch(/^whsec_/);
      receiver.setSecret(patched.data.client.webhookSecret);

      const response = await post(
        '/chat/contact',
        keyA,
        { sessionId: 'visitor-9', email: 'Ann@Example.com', name: 'Ann', message: 'Call me' },
        { origin: 'https://shop-a.example.com' },
      );
      expect(response.status).toBe(202);
      const delivery = await eventually(async () => receiver.received[0], 'webhook delivery');
      expect(receiver.verify(delivery.body, delivery.signature)).toBe(true);
      expect(receiver.verify(`${delivery.body} `, delivery.signature)).toBe(false);
      const body = JSON.parse(delivery.body);
      expect(body).toEqual({
        event: 'contact',
        clientId: clientA,
        contact: {
          id: response.data.contact.id,
          sessionId: 'visitor-9',
          email: 'Ann@Example.com',
          name: 'Ann',
          message: 'Call me',
          createdAt: expect.any(String),
        },
      });
      const contacts = await adminA.get(`/api/dashboard/contacts?clientId=${clientA}`);
      expect(contacts.data.contacts[0]).toMatchObject({
        id: body.contact.id,
        sessionId: 'visitor-9',
        email: 'Ann@Example.com',
        name: 'Ann',
        message: 'Call me',
      });
      expect((await adminB.get(`/api/dashboard/contacts?clientId=${clientA}`)).status).toBe(404);
      expect((await post('/chat/contact', keyA, { sessionId: 'visitor-9', email: 'not an email' })).status).toBe(400);
      expect((await post('/chat/contact', keyA, { email: 'a@example.com' })).status).toBe(400);
      expect(
        (await adminA.patch(`/api/dashboard/clients/${clientA}`, { webhookUrl: 'ftp://example.com/x' })).status,
      ).toBe(400);
    } finally {
      await receiver.close();
    }
  });

  it('retries a failing webhook with backoff until it is delivered', async () => {
    const receiver = await startReceiver(2);
    try {
      const patched = await adminA.patch(`/api/dashboard/clients/${clientA}`, { webhookUrl: receiver.url });
      receiver.setSecret(patched.data.client.webhookSecret);
      const response = await post('/chat/contact', keyA, { sessionId: 'visitor-10', email: 'bo@example.com' });
      expect(response.status).toBe(202);
      const contactId = response.data.contact.id;
      const contact = await eventually(async () => {
        const list = await adminA.get(`/api/dashboard/contacts?clientId=${clientA}`);
        const found = list.data.contacts.find((entry: { id: string }) => entry.id === contactId);
        return found?.webhook.status === 'delivered' ? found : null;
      }, 'delivery after two failures');
      expect(contact.webhook.attempts).toBe(3);
      expect(receiver.received.map((entry) => entry.status)).toEqual([500, 500, 200]);
      expect(receiver.received.every((entry) => receiver.verify(entry.body, entry.signature))).toBe(true);
      const handle = stack.temporalClient!.workflow.getHandle(`webhook-${contactId}`);
      expect(await handle.result()).toMatchObject({ delivered: true });
    } finally {
      await receiver.close();
    }
  });

  it('streams conversation changes to the dashboard (live list and transcript)', async () => {
    const events = new AbortController();
    const cookie = (adminA as unknown as { cookies: Map<string, string> }).cookies;
    const response = await fetch(new URL(`/api/dashboard/chats/events?clientId=${clientA}`, stack.url), {
      headers: { cookie: [...cookie].map(([name, value]) => `${name}=${value}`).join('; ') },
      signal: events.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.getReader();
    let text = '';
    // Let the stream take its first fingerprint, then log a new turn.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await ask(keyA, 'How much does express shipping cost?');
    const deadline = Date.now() + 60_000;
    while (!text.includes('event: changed') && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    events.abort();
    expect(text).toContain('event: changed');
    expect((await adminB.get(`/api/dashboard/chats/events?clientId=${clientA}`)).status).toBe(404);
  });

  it('warns about a duplicate site name but still creates it (201)', async () => {
    const first = await adminB.post('/api/dashboard/clients', { name: 'Twin shop', allowedDomains: [] });
    expect(first.status).toBe(201);
    expect(first.data.warning).toBeUndefined();
    const second = await adminB.post('/api/dashboard/clients', { name: 'twin shop', allowedDomains: [] });
    expect(second.status).toBe(201);
    expect(second.data.warning).toMatchObject({ code: 'duplicate_name' });
  });
});

describe('a webhook that never succeeds', () => {
  let stack: TestStack;
  beforeAll(async () => {
    // A "day" of 3.6 seconds, so giving up can be watched.
    stack = await startTestStack({
      database: 'postgres',
      env: {
        ALLOW_PRIVATE_URLS: 'true',
        WEBHOOK_RETRY_INITIAL_SECONDS: '0.2',
        WEBHOOK_RETRY_MAX_INTERVAL_SECONDS: '0.5',
        WEBHOOK_GIVE_UP_HOURS: '0.001',
      },
    });
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('limits contact requests per address, whatever session ids a script invents (429)', async () => {
    const { admin } = await signUpAdmin(stack.url);
    const site = await createClientWithKey(admin, { allowedDomains: [] });
    const send = (index: number) =>
      fetch(new URL('/chat/contact', stack.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': site.apiKey },
        body: JSON.stringify({ sessionId: `invented-${index}`, email: `spam${index}@example.com` }),
      });
    for (let index = 0; index < 10; index++) expect((await send(index)).status).toBe(202);
    const refused = await send(10);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await admin.get(`/api/dashboard/contacts?clientId=${site.client.id}`)).data.contacts).toHaveLength(10);
  });

  it('gives up on a webhook that keeps failing and shows the contact as not delivered', async () => {
    const receiver = await startReceiver(Number.POSITIVE_INFINITY);
    try {
      const { admin } = await signUpAdmin(stack.url);
      const site = await createClientWithKey(admin, { allowedDomains: [] });
      expect((await admin.patch(`/api/dashboard/clients/${site.client.id}`, { webhookUrl: receiver.url })).status).toBe(
        200,
      );
      const response = await fetch(new URL('/chat/contact', stack.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': site.apiKey },
        body: JSON.stringify({ sessionId: 'visitor-1', email: 'x@example.com' }),
      });
      expect(response.status).toBe(202);
      const { contact } = await response.json();
      const result = await stack.temporalClient!.workflow.getHandle(`webhook-${contact.id}`).result();
      expect(result).toMatchObject({ delivered: false });
      const listed = (await admin.get(`/api/dashboard/contacts?clientId=${site.client.id}`)).data.contacts[0];
      expect(listed.webhook.status).toBe('failed');
      expect(listed.webhook.attempts).toBeGreaterThan(1);
      expect(receiver.received.length).toBe(listed.webhook.attempts);
    } finally {
      await receiver.close();
    }
  });
});
