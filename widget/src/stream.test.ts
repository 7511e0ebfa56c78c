import { describe, expect, it } from 'vitest';
import { ChatRequestError, SseParser, parseChatEvent, parseRetryAfter, streamChat, type SseEvent } from './stream';
import type { ChatStreamEvent } from './types';

function parseAll(chunks: string[]): SseEvent[] {
  const parser = new SseParser();
  const events = chunks.flatMap((chunk) => parser.push(chunk));
  return [...events, ...parser.end()];
}

const CONVERSATION = [
  ': heartbeat',
  '',
  'event: meta',
  'data: {"sessionId":"s1","messageId":"m1"}',
  '',
  'event: token',
  'data: {"text":"Hel"}',
  '',
  'event: token',
  'data: {"text":"lo ✓ 👋"}',
  '',
  'event: sources',
  'data: {"sources":[{"documentId":"d1","filename":"guide.pdf","chunkIndex":2,"score":0.9,"snippet":"s","page":4}]}',
  '',
  'event: done',
  'data: {"usage":{"model":"m","tokensIn":1,"tokensOut":2}}',
  '',
  '',
].join('\n');

describe('SseParser', () => {
  it('parses a whole chat stream and ignores comment lines', () => {
    const events = parseAll([CONVERSATION]);
    expect(events.map((event) => event.type)).toEqual(['meta', 'token', 'token', 'sources', 'done']);
    expect(JSON.parse(events[2].data)).toEqual({ text: 'lo ✓ 👋' });
  });

  it('gives the same events however the stream is split across reads', () => {
    const expected = parseAll([CONVERSATION]);
    for (let split = 1; split < CONVERSATION.length; split += 1) {
      expect(parseAll([CONVERSATION.slice(0, split), CONVERSATION.slice(split)])).toEqual(expected);
    }
    expect(parseAll([...CONVERSATION])).toEqual(expected);
  });

  it('accepts CRLF and lone CR line endings, including a CRLF split between reads', () => {
    const crlf = CONVERSATION.replace(/\n/g, '\r\n');
    const cr = CONVERSATION.replace(/\n/g, '\r');
    const expected = parseAll([CONVERSATION]);
    expect(parseAll([crlf])).toEqual(expected);
    expect(parseAll([cr])).toEqual(expected);
    for (let split = 1; split < crlf.length; split += 1) {
      expect(parseAll([crlf.slice(0, split), crlf.slice(split)])).toEqual(expected);
    }
    expect(parseAll([...crlf])).toEqual(expected);
  });

  it('joins multi-line data with newlines and strips only one leading space', () => {
    const events = parseAll(['event: token\ndata: first\ndata:second\ndata:  indented\n\n']);
    expect(events).toEqual([{ type: 'token', data: 'first\nsecond\n indented', id: '' }]);
  });

  it('defaults the type to message, keeps the last id, and skips events without data', () => {
    const events = parseAll(['id: 7\ndata: a\n\nevent: ping\n\ndata\n\n']);
    expect(events).toEqual([
      { type: 'message', data: 'a', id: '7' },
      { type: 'message', data: '', id: '7' },
    ]);
  });

  it('drops a leading byte-order mark and an unterminated final event', () => {
    expect(parseAll(['\uFEFFdata: x\n\ndata: cut off'])).toEqual([{ type: 'message', data: 'x', id: '' }]);
  });

  it('ignores comments anywhere, even between the fields of one event', () => {
    expect(parseAll(['event: token\n: keep-alive\ndata: {"text":"a"}\n\n: heartbeat\n\n'])).toEqual([
      { type: 'token', data: '{"text":"a"}', id: '' },
    ]);
  });
});

describe('parseChatEvent', () => {
  it('maps each contract event', () => {
    const events = parseAll([CONVERSATION]).map(parseChatEvent);
    expect(events).toEqual([
      { type: 'meta', sessionId: 's1', messageId: 'm1' },
      { type: 'token', text: 'Hel' },
      { type: 'token', text: 'lo ✓ 👋' },
      {
        type: 'sources',
        sources: [{ documentId: 'd1', filename: 'guide.pdf', chunkIndex: 2, score: 0.9, snippet: 's', page: 4 }],
      },
      { type: 'done', usage: { model: 'm', tokensIn: 1, tokensOut: 2 } },
    ]);
  });

  it('ignores unknown events and malformed payloads but never loses an error', () => {
    expect(parseChatEvent({ type: 'ping', data: '{}', id: '' })).toBeNull();
    expect(parseChatEvent({ type: 'token', data: 'not json', id: '' })).toBeNull();
    expect(parseChatEvent({ type: 'token', data: '{"text":5}', id: '' })).toBeNull();
    expect(parseChatEvent({ type: 'error', data: 'garbage', id: '' })).toEqual({
      type: 'error',
      code: 'stream_error',
      message: '',
    });
    expect(parseChatEvent({ type: 'error', data: '{"code":"llm_down","message":"Try later."}', id: '' })).toEqual({
      type: 'error',
      code: 'llm_down',
      message: 'Try later.',
    });
  });

  it('drops sources without a file name and pages that are not positive numbers', () => {
    const event = parseChatEvent({
      type: 'sources',
      data: JSON.stringify({ sources: [{ filename: '' }, { filename: 'a.txt', page: 0 }, 'x'] }),
      id: '',
    });
    expect(event).toEqual({
      type: 'sources',
      sources: [{ documentId: '', filename: 'a.txt', chunkIndex: 0, score: 0, snippet: '' }],
    });
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('42', now)).toBe(42);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});

function sseResponse(chunks: string[], init: ResponseInit = {}): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
  return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' }, ...init });
}

async function collect(response: Response | (() => Promise<Response>), signal = new AbortController().signal) {
  const events: ChatStreamEvent[] = [];
  const requests: Array<{ url: string; init: RequestInit }> = [];
  const fetchImpl = (async (url: string, init: RequestInit) => {
    requests.push({ url, init });
    return typeof response === 'function' ? response() : response;
  }) as unknown as typeof fetch;
  const outcome = await streamChat({
    apiBase: 'https://api.example.com',
    apiKey: 'pk_live_x',
    message: 'hi',
    sessionId: 's1',
    signal,
    onEvent: (event) => events.push(event),
    fetchImpl,
  })
    .then(() => null)
    .catch((error: unknown) => error);
  return { events, requests, outcome };
}

describe('streamChat', () => {
  it('posts the message with the key and session and delivers events in order', async () => {
    // Multi-byte characters are split across reads to exercise the streaming decoder.
    const bytes = new TextEncoder().encode(CONVERSATION);
    const cut = CONVERSATION.indexOf('👋') + 2;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, cut));
        controller.enqueue(bytes.slice(cut));
        controller.close();
      },
    });
    const { events, requests, outcome } = await collect(new Response(body, { status: 200 }));
    expect(outcome).toBeNull();
    expect(requests[0].url).toBe('https://api.example.com/chat/stream');
    expect(requests[0].init.method).toBe('POST');
    expect((requests[0].init.headers as Record<string, string>)['x-api-key']).toBe('pk_live_x');
    expect(JSON.parse(requests[0].init.body as string)).toEqual({ message: 'hi', sessionId: 's1' });
    expect(events.map((event) => event.type)).toEqual(['meta', 'token', 'token', 'sources', 'done']);
    expect(events[2]).toEqual({ type: 'token', text: 'lo ✓ 👋' });
  });

  it('stops reading at an error event', async () => {
    const { events, outcome } = await collect(
      sseResponse([
        'event: token\ndata: {"text":"a"}\n\nevent: error\ndata: {"code":"x","message":"Down."}\n\nevent: token\ndata: {"text":"b"}\n\n',
      ]),
    );
    expect(outcome).toBeNull();
    expect(events).toEqual([
      { type: 'token', text: 'a' },
      { type: 'error', code: 'x', message: 'Down.' },
    ]);
  });

  it('reports a stream that ends before done as interrupted', async () => {
    const { outcome } = await collect(sseResponse(['event: token\ndata: {"text":"a"}\n\n']));
    expect(outcome).toBeInstanceOf(ChatRequestError);
    expect((outcome as ChatRequestError).kind).toBe('interrupted');
  });

  it('maps HTTP failures to kinds, with Retry-After for 429', async () => {
    const limited = await collect(new Response('{}', { status: 429, headers: { 'retry-after': '17' } }));
    expect(limited.outcome).toMatchObject({ kind: 'rate_limited', retryAfterSeconds: 17 });
    expect((await collect(new Response('{}', { status: 401 }))).outcome).toMatchObject({ kind: 'unauthorized' });
    expect((await collect(new Response('{}', { status: 403 }))).outcome).toMatchObject({ kind: 'forbidden' });
    expect((await collect(new Response('{}', { status: 502 }))).outcome).toMatchObject({ kind: 'server' });
    const invalid = await collect(
      new Response('{"error":{"code":"invalid_input","message":"Too long."}}', { status: 400 }),
    );
    expect(invalid.outcome).toMatchObject({ kind: 'invalid_input', serverMessage: 'Too long.' });
  });

  it('reports a failed fetch as a network error', async () => {
    const { outcome } = await collect(() => Promise.reject(new TypeError('Failed to fetch')));
    expect(outcome).toMatchObject({ kind: 'network' });
  });

  it('rethrows the abort when the visitor stops the answer', async () => {
    const controller = new AbortController();
    controller.abort();
    const { outcome } = await collect(
      () => Promise.reject(new DOMException('aborted', 'AbortError')),
      controller.signal,
    );
    expect(outcome).toBeInstanceOf(DOMException);
  });
});
