import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../setup/stack';
import { createClientWithKey, readSse, signUpAdmin, waitForDocument } from '../factories';
import { corpusAvailable, CORPUS_DIR } from '../corpus';

describe('chat under hostile input and a database outage (PGlite)', () => {
  let stack: TestStack;
  let apiKey: string;

  beforeAll(async () => {
    stack = await startTestStack({
      database: 'pglite',
      redis: false,
      env: {
        RATE_LIMIT_FREE_PER_MINUTE: '100000',
        RATE_LIMIT_VISITOR_PER_MINUTE: '100000',
        RATE_LIMIT_IP_PER_MINUTE: '100000',
      },
    });
    const { admin } = await signUpAdmin(stack.url);
    const created = await createClientWithKey(admin);
    apiKey = created.apiKey;
    const upload = await admin.upload(
      created.client.id,
      'faq.txt',
      'Our support line is open from 8:00 to 20:00 on weekdays. Call +47 22 00 00 00.',
    );
    expect((await waitForDocument(admin, upload.data.document.id)).status).toBe('ready');
  });
  afterAll(async () => {
    await stack?.close();
  });

  it.skipIf(!corpusAvailable)(
    'answers every naughty string with a 200 or a 400, never a 5xx',
    async () => {
      const lines = readFileSync(path.join(CORPUS_DIR, 'strings', 'blns.txt'), 'utf8')
        .split('\n')
        .filter((line) => line && !line.startsWith('#'));
      const statuses = new Map<number, number>();
      for (let start = 0; start < lines.length; start += 8) {
        const batch = lines.slice(start, start + 8);
        const results = await Promise.all(
          batch.map(async (message) => {
            const response = await fetch(new URL('/chat', stack.url), {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
              body: JSON.stringify({ message }),
            });
            const body = await response.json();
            if (response.status === 400) expect(body.error.message, JSON.stringify(message)).toBeTruthy();
            return response.status;
          }),
        );
        for (const status of results) statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
      expect(
        [...statuses.keys()].every((status) => status === 200 || status === 400),
        JSON.stringify([...statuses]),
      ).toBe(true);
      expect(statuses.get(200)).toBeGreaterThan(lines.length / 2);
    },
    300_000,
  );

  it('rejects malformed bodies with 400 and a readable message', async () => {
    for (const body of [
      '{not json',
      JSON.stringify({ message: 42 }),
      JSON.stringify({ message: 'hi', sessionId: 'not a valid id!' }),
      JSON.stringify({ message: 'hi', metadata: { big: 'x'.repeat(5000) } }),
    ]) {
      const response = await fetch(new URL('/chat', stack.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
        body,
      });
      expect(response.status, body.slice(0, 40)).toBe(400);
      expect((await response.json()).error.message).toBeTruthy();
    }
  });

  it('streams control characters stripped and keeps a stream valid when the visitor disconnects', async () => {
    const controller = new AbortController();
    const response = await fetch(new URL('/chat/stream', stack.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify({ message: 'When\u0000 is\u0007 support open?' }),
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    controller.abort();
    const after = await fetch(new URL('/chat/stream', stack.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify({ message: 'When is support open?' }),
    });
    const answer = (await readSse(after))
      .filter((event) => event.event === 'token')
      .map((event) => event.data.text)
      .join('');
    expect(answer).toMatch(/8:00/);
  });
});
