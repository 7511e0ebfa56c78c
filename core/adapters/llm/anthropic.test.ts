import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../errors';
import {
  FAKE_ANTHROPIC_ERROR_SECRET,
  startFakeAnthropic,
  type FakeAnthropicServer,
} from '../../../tests/fakes/anthropic-server';
import { createAnthropicProvider, DEFAULT_ANTHROPIC_MODEL } from './anthropic';
import { STATIC_SYSTEM_PROMPT } from './prompt';
import type { GenerateEvent, GenerateRequest, RetrievedChunk } from './types';

let fake: FakeAnthropicServer;

beforeAll(async () => {
  fake = await startFakeAnthropic();
});
afterAll(async () => {
  await fake.close();
});
afterEach(() => {
  fake.requests.length = 0;
});

const chunks: RetrievedChunk[] = [
  {
    documentId: 'doc-1',
    filename: 'shipping.pdf',
    chunkIndex: 0,
    page: 2,
    score: 0.91,
    text: 'Orders ship within 2 business days.',
  },
  {
    documentId: 'doc-2',
    filename: 'returns.md',
    chunkIndex: 4,
    page: null,
    score: 0.84,
    text: 'Returns are accepted within 30 days.',
  },
];

function request(overrides: Partial<GenerateRequest> = {}): GenerateRequest {
  return {
    systemPrompt: STATIC_SYSTEM_PROMPT,
    context: chunks,
    history: [
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello! How can I help?' },
    ],
    question: 'How fast do you ship?',
    model: DEFAULT_ANTHROPIC_MODEL,
    ...overrides,
  };
}

function provider(options: { timeoutMs?: number; apiKey?: string } = {}) {
  return createAnthropicProvider({
    apiKey: options.apiKey ?? fake.apiKey,
    baseURL: fake.baseURL,
    timeoutMs: options.timeoutMs,
  });
}

async function collect(events: AsyncIterable<GenerateEvent>): Promise<GenerateEvent[]> {
  const seen: GenerateEvent[] = [];
  for await (const event of events) seen.push(event);
  return seen;
}

async function failureOf(events: AsyncIterable<GenerateEvent>): Promise<{ error: AppError; before: GenerateEvent[] }> {
  const before: GenerateEvent[] = [];
  try {
    for await (const event of events) before.push(event);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return { error: error as AppError, before };
  }
  throw new Error('the stream finished without the expected failure');
}

function tokensOf(events: GenerateEvent[]): string[] {
  return events.flatMap((event) => (event.type === 'token' ? [event.text] : []));
}

function expectVisitorSafe(error: AppError) {
  expect(error.message).not.toContain('sk-ant');
  expect(error.message).not.toContain('http');
  expect(error.message).not.toContain(fake.baseURL);
  expect(error.message).not.toMatch(/rate limit|Overloaded|Internal server error|x-api-key/i);
  expect(JSON.stringify(error.details)).not.toContain(FAKE_ANTHROPIC_ERROR_SECRET);
}

describe('createAnthropicProvider', () => {
  it('streams the reply as tokens in order and ends with one usage event', async () => {
    const pieces = ['Orders ', 'ship ', 'within ', '2 business days ', '[1].'];
    fake.enqueue({ kind: 'reply', text: pieces.join(''), pieces, pieceDelayMs: 5 });

    const events = await collect(provider().stream(request()));

    expect(tokensOf(events)).toEqual(pieces);
    expect(tokensOf(events).join('')).toBe('Orders ship within 2 business days [1].');
    await expect(fake.requests[0].closed).resolves.toEqual({ completed: true });
    expect(events.filter((event) => event.type === 'usage')).toHaveLength(1);
    expect(events.at(-1)?.type).toBe('usage');
  });

  it('reports cache writes as input and cache reads as cached tokens', async () => {
    fake.enqueue({
      kind: 'reply',
      text: 'Two days [1].',
      usage: { inputTokens: 230, cacheCreationInputTokens: 1900, cacheReadInputTokens: 0, outputTokens: 7 },
    });
    fake.enqueue({
      kind: 'reply',
      text: 'Two days [1].',
      usage: { inputTokens: 230, cacheCreationInputTokens: 0, cacheReadInputTokens: 1900, outputTokens: 7 },
    });

    const cold = (await collect(provider().stream(request()))).at(-1);
    const warm = (await collect(provider().stream(request()))).at(-1);

    expect(cold).toEqual({
      type: 'usage',
      usage: { model: DEFAULT_ANTHROPIC_MODEL, tokensIn: 2130, tokensOut: 7, cachedTokens: 0 },
    });
    expect(warm).toEqual({
      type: 'usage',
      usage: { model: DEFAULT_ANTHROPIC_MODEL, tokensIn: 230, tokensOut: 7, cachedTokens: 1900 },
    });
  });

  it('sends the static prompt as a cacheable system block, then the excerpts, then the conversation', async () => {
    await collect(provider().stream(request({ maxTokens: 300, temperature: 0.2 })));

    expect(fake.requests).toHaveLength(1);
    const { body, headers } = fake.requests[0];
    expect(headers['x-api-key']).toBe(fake.apiKey);
    expect(body.model).toBe('claude-sonnet-4-5');
    expect(body.stream).toBe(true);
    expect(body.max_tokens).toBe(300);
    expect(body.temperature).toBe(0.2);
    expect(body.system).toHaveLength(2);
    expect(body.system[0]).toEqual({ type: 'text', text: STATIC_SYSTEM_PROMPT, cache_control: { type: 'ephemeral' } });
    expect(body.system[1].cache_control).toBeUndefined();
    expect(body.system[1].text).toContain('Orders ship within 2 business days.');
    expect(body.system[1].text).toContain('Returns are accepted within 30 days.');
    expect(body.system[1].text).toContain('file="shipping.pdf" page="2"');
    expect(body.messages).toEqual([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello! How can I help?' },
      { role: 'user', content: 'How fast do you ship?' },
    ]);
  });

  it('places site instructions as data below the cached block when the request carries them', async () => {
    const withNotes = { ...request(), siteInstructions: 'Always call the product "the Widget".' };
    await collect(provider().stream(withNotes));

    const { system } = fake.requests[0].body;
    expect(system[0].text).toBe(STATIC_SYSTEM_PROMPT);
    expect(system[1].text).toContain('Always call the product "the Widget".');
  });

  it('maps HTTP 429 to llm_rate_limited with the retry-after, never the provider message', async () => {
    fake.enqueue({ kind: 'rate-limit', retryAfterSeconds: 7 });

    const { error } = await failureOf(provider().stream(request()));

    expect(error.code).toBe('llm_rate_limited');
    expect(error.retryable).toBe(true);
    expect(error.details).toMatchObject({
      provider: 'anthropic',
      upstreamStatus: 429,
      upstreamType: 'rate_limit_error',
      retryAfterSeconds: 7,
    });
    expect(error.message).toBe('The assistant is busy right now. Please try again in a moment.');
    expectVisitorSafe(error);
    expect(fake.requests).toHaveLength(1);
  });

  it.each([500, 529])('maps HTTP %i to llm_unavailable', async (status) => {
    fake.enqueue({ kind: 'server-error', status });

    const { error } = await failureOf(provider().stream(request()));

    expect(error.code).toBe('llm_unavailable');
    expect(error.retryable).toBe(true);
    expect(error.details).toMatchObject({ upstreamStatus: status });
    expectVisitorSafe(error);
  });

  it('maps a rejected API key to llm_auth_failed', async () => {
    const { error } = await failureOf(provider({ apiKey: 'sk-ant-wrong' }).stream(request()));

    expect(error.code).toBe('llm_auth_failed');
    expect(error.retryable).toBe(false);
    expectVisitorSafe(error);
  });

  it('maps a connection that cannot be made to llm_unavailable', async () => {
    const closed = await startFakeAnthropic();
    await closed.close();
    const unreachable = createAnthropicProvider({ apiKey: 'sk-ant-test-key', baseURL: closed.baseURL });

    const { error } = await failureOf(unreachable.stream(request()));

    expect(error.code).toBe('llm_unavailable');
    expect(error.message).not.toContain('127.0.0.1');
  });

  it('gives up on a server that never answers with llm_timeout and hangs up on it', async () => {
    fake.enqueue({ kind: 'hang' });
    const started = Date.now();

    const { error } = await failureOf(provider({ timeoutMs: 300 }).stream(request()));

    expect(error.code).toBe('llm_timeout');
    expect(error.retryable).toBe(true);
    expect(Date.now() - started).toBeLessThan(3000);
    await expect(fake.requests[0].closed).resolves.toEqual({ completed: false });
  });

  it('times out a stream that stalls after some tokens', async () => {
    fake.enqueue({ kind: 'reply', text: 'one two three four', interrupt: { afterPieces: 2, how: 'stall' } });

    const { error, before } = await failureOf(provider({ timeoutMs: 300 }).stream(request()));

    expect(tokensOf(before)).toEqual(['one', ' two']);
    expect(error.code).toBe('llm_timeout');
    await expect(fake.requests[0].closed).resolves.toEqual({ completed: false });
  });

  it('reports a connection dropped mid-stream as llm_unavailable, not as a finished answer', async () => {
    fake.enqueue({ kind: 'reply', text: 'one two three four', interrupt: { afterPieces: 2, how: 'drop' } });

    const { error, before } = await failureOf(provider().stream(request()));

    expect(tokensOf(before)).toEqual(['one', ' two']);
    expect(before.some((event) => event.type === 'usage')).toBe(false);
    expect(error.code).toBe('llm_unavailable');
  });

  it('maps an in-band error event (overloaded mid-stream) to llm_unavailable', async () => {
    fake.enqueue({ kind: 'reply', text: 'one two three', interrupt: { afterPieces: 1, how: 'error-event' } });

    const { error, before } = await failureOf(provider().stream(request()));

    expect(tokensOf(before)).toEqual(['one']);
    expect(error.code).toBe('llm_unavailable');
    expect(error.details).toMatchObject({ upstreamType: 'overloaded_error' });
    expectVisitorSafe(error);
  });

  it('treats a stream that ends cleanly but without message_stop as cut off', async () => {
    fake.enqueue({ kind: 'reply', text: 'one two three', interrupt: { afterPieces: 2, how: 'end' } });

    const { error, before } = await failureOf(provider().stream(request()));

    expect(tokensOf(before)).toEqual(['one', ' two']);
    expect(before.some((event) => event.type === 'usage')).toBe(false);
    expect(error.code).toBe('llm_unavailable');
    expect(error.details).toMatchObject({ upstreamType: 'incomplete_stream' });
  });

  it('stops when the caller aborts, reports what was spent, and the upstream connection is closed', async () => {
    fake.enqueue({ kind: 'reply', text: 'word '.repeat(200), pieceDelayMs: 20 });
    const visitor = new AbortController();
    const seen: GenerateEvent[] = [];

    for await (const event of provider().stream(request({ signal: visitor.signal }))) {
      seen.push(event);
      if (seen.length === 3) visitor.abort();
    }

    expect(seen).toHaveLength(4);
    expect(seen.slice(0, 3).every((event) => event.type === 'token')).toBe(true);
    // The tokens already spent, for the chat log's aborted turn.
    const spent = seen[3];
    expect(spent.type === 'usage' && spent.usage.tokensIn > 0 && spent.usage.tokensOut > 0).toBe(true);
    await expect(fake.requests[0].closed).resolves.toEqual({ completed: false });
  });

  it('closes the upstream connection when the consumer stops reading', async () => {
    fake.enqueue({ kind: 'reply', text: 'word '.repeat(200), pieceDelayMs: 20 });

    for await (const event of provider().stream(request())) {
      if (event.type === 'token') break;
    }

    await expect(fake.requests[0].closed).resolves.toEqual({ completed: false });
  });

  it('aborting while waiting for the first byte ends with the prompt tokens spent and nothing else', async () => {
    fake.enqueue({ kind: 'hang' });
    const visitor = new AbortController();
    setTimeout(() => visitor.abort(), 100);

    const events = await collect(provider({ timeoutMs: 5000 }).stream(request({ signal: visitor.signal })));

    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'usage', usage: { tokensOut: 0, cachedTokens: 0 } });
    expect(events[0].type === 'usage' && events[0].usage.tokensIn).toBeGreaterThan(0);
    await expect(fake.requests[0].closed).resolves.toEqual({ completed: false });
  });

  it('makes no upstream call for an already aborted request', async () => {
    const events = await collect(provider().stream(request({ signal: AbortSignal.abort() })));

    expect(events).toEqual([]);
    expect(fake.requests).toHaveLength(0);
  });
});
