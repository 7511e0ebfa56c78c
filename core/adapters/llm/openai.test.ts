import { countTokens } from 'gpt-tokenizer';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../errors';
import { FAKE_OPENAI_ERROR_SECRET, startFakeOpenAi, type FakeOpenAiServer } from '../../../tests/fakes/openai-server';
import { createOpenAiProvider, DEFAULT_OPENAI_MODEL } from './openai';
import { STATIC_SYSTEM_PROMPT } from './prompt';
import type { GenerateEvent, GenerateRequest, RetrievedChunk, Usage } from './types';

let fake: FakeOpenAiServer;

beforeAll(async () => {
  fake = await startFakeOpenAi();
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
    filename: 'plans.pdf',
    chunkIndex: 3,
    page: 1,
    score: 0.88,
    text: 'The Pro plan costs $29 per month.',
  },
];

function request(overrides: Partial<GenerateRequest> = {}): GenerateRequest {
  return {
    systemPrompt: STATIC_SYSTEM_PROMPT,
    context: chunks,
    history: [],
    question: '¿Cuánto cuesta el plan Pro?',
    model: DEFAULT_OPENAI_MODEL,
    ...overrides,
  };
}

function provider(options: { timeoutMs?: number; apiKey?: string } = {}) {
  return createOpenAiProvider({
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

function usageOf(events: GenerateEvent[]): Usage {
  const last = events.at(-1);
  if (last?.type !== 'usage') throw new Error('the stream did not end with a usage event');
  return last.usage;
}

function expectVisitorSafe(error: AppError) {
  expect(error.message).not.toMatch(/sk-|org-|http|127\.0\.0\.1/);
  expect(error.message).not.toMatch(/rate limit reached|server had an error|Incorrect API key/i);
  expect(JSON.stringify(error.details)).not.toContain(FAKE_OPENAI_ERROR_SECRET);
}

describe('createOpenAiProvider', () => {
  it('streams the reply as tokens in order and ends with one usage event', async () => {
    const pieces = ['El plan ', 'Pro ', 'cuesta ', '29 dólares ', 'al mes [1].'];
    fake.enqueue({ kind: 'reply', text: pieces.join(''), pieces, pieceDelayMs: 5 });

    const events = await collect(provider().stream(request()));

    expect(tokensOf(events)).toEqual(pieces);
    expect(tokensOf(events).join('')).toBe('El plan Pro cuesta 29 dólares al mes [1].');
    await expect(fake.requests[0].closed).resolves.toEqual({ completed: true });
    expect(events.filter((event) => event.type === 'usage')).toHaveLength(1);
    expect(events.at(-1)?.type).toBe('usage');
  });

  it('reports usage from the final chunk, with cached prompt tokens counted apart from the rest', async () => {
    fake.enqueue({
      kind: 'reply',
      text: 'Yes.',
      usage: { promptTokens: 2100, completionTokens: 12, cachedTokens: 1792 },
    });
    fake.enqueue({ kind: 'reply', text: 'Yes.', usage: { promptTokens: 2100, completionTokens: 12, cachedTokens: 0 } });

    const warm = usageOf(await collect(provider().stream(request())));
    const cold = usageOf(await collect(provider().stream(request())));

    expect(warm).toEqual({ model: 'gpt-4o-mini', tokensIn: 308, tokensOut: 12, cachedTokens: 1792 });
    expect(cold).toEqual({ model: 'gpt-4o-mini', tokensIn: 2100, tokensOut: 12, cachedTokens: 0 });
  });

  it('estimates usage with the tokenizer when a compatible server reports none', async () => {
    const reply = 'The Pro plan costs 29 dollars a month [1].';
    fake.enqueue({ kind: 'reply', text: reply, omitUsage: true });

    const usage = usageOf(await collect(provider().stream(request())));

    expect(usage.tokensOut).toBe(countTokens(reply));
    // At least the static prompt itself, which dominates the input.
    expect(usage.tokensIn).toBeGreaterThan(countTokens(STATIC_SYSTEM_PROMPT));
    expect(usage.tokensIn).toBeLessThan(countTokens(STATIC_SYSTEM_PROMPT) + 300);
    expect(usage.cachedTokens).toBe(0);
  });

  it('sends one system message with the static prompt first, the excerpts after it, and asks for usage', async () => {
    await collect(
      provider().stream(
        request({
          history: [
            { role: 'user', content: 'Hola' },
            { role: 'assistant', content: '¡Hola! ¿En qué puedo ayudarte?' },
          ],
          temperature: 0.3,
        }),
      ),
    );

    expect(fake.requests).toHaveLength(1);
    const { body, headers, path } = fake.requests[0];
    expect(path).toBe('/v1/chat/completions');
    expect(headers.authorization).toBe(`Bearer ${fake.apiKey}`);
    expect(body.model).toBe('gpt-4o-mini');
    expect(body.stream).toBe(true);
    expect(body.stream_options).toEqual({ include_usage: true });
    expect(body.max_tokens).toBe(1024);
    expect(body.temperature).toBe(0.3);
    expect(body.messages.map((message: { role: string }) => message.role)).toEqual([
      'system',
      'user',
      'assistant',
      'user',
    ]);
    const system: string = body.messages[0].content;
    expect(system.startsWith(STATIC_SYSTEM_PROMPT)).toBe(true);
    expect(system).toContain('The Pro plan costs $29 per month.');
    expect(system).toContain('file="plans.pdf" page="1"');
    expect(body.messages.at(-1)).toEqual({ role: 'user', content: '¿Cuánto cuesta el plan Pro?' });
  });

  it('maps HTTP 429 to llm_rate_limited with the retry-after, never the provider message', async () => {
    fake.enqueue({ kind: 'rate-limit', retryAfterSeconds: 12 });

    const { error } = await failureOf(provider().stream(request()));

    expect(error.code).toBe('llm_rate_limited');
    expect(error.retryable).toBe(true);
    expect(error.details).toMatchObject({
      provider: 'openai',
      upstreamStatus: 429,
      upstreamType: 'rate_limit_exceeded',
      retryAfterSeconds: 12,
    });
    expectVisitorSafe(error);
  });

  it.each([500, 503])('maps HTTP %i to llm_unavailable', async (status) => {
    fake.enqueue({ kind: 'server-error', status });

    const { error } = await failureOf(provider().stream(request()));

    expect(error.code).toBe('llm_unavailable');
    expect(error.retryable).toBe(true);
    expect(error.details).toMatchObject({ upstreamStatus: status });
    expectVisitorSafe(error);
  });

  it('maps a rejected API key to llm_auth_failed', async () => {
    const { error } = await failureOf(provider({ apiKey: 'sk-wrong' }).stream(request()));

    expect(error.code).toBe('llm_auth_failed');
    expect(error.retryable).toBe(false);
    expectVisitorSafe(error);
  });

  it('gives up on a server that never answers with llm_timeout and hangs up on it', async () => {
    fake.enqueue({ kind: 'hang' });
    const started = Date.now();

    const { error } = await failureOf(provider({ timeoutMs: 300 }).stream(request()));

    expect(error.code).toBe('llm_timeout');
    expect(Date.now() - started).toBeLessThan(3000);
    await expect(fake.requests[0].closed).resolves.toEqual({ completed: false });
  });

  it('times out a stream that stalls after some tokens', async () => {
    fake.enqueue({ kind: 'reply', text: 'one two three four', interrupt: { afterPieces: 3, how: 'stall' } });

    const { error, before } = await failureOf(provider({ timeoutMs: 300 }).stream(request()));

    expect(tokensOf(before)).toEqual(['one', ' two', ' three']);
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

  it('maps an in-band error chunk to llm_unavailable', async () => {
    fake.enqueue({ kind: 'reply', text: 'one two three', interrupt: { afterPieces: 1, how: 'error-event' } });

    const { error, before } = await failureOf(provider().stream(request()));

    expect(tokensOf(before)).toEqual(['one']);
    expect(error.code).toBe('llm_unavailable');
    expectVisitorSafe(error);
  });

  it('treats a stream that ends cleanly but without finish_reason as cut off', async () => {
    fake.enqueue({ kind: 'reply', text: 'one two three', interrupt: { afterPieces: 2, how: 'end' } });

    const { error, before } = await failureOf(provider().stream(request()));

    expect(tokensOf(before)).toEqual(['one', ' two']);
    expect(error.code).toBe('llm_unavailable');
    expect(error.details).toMatchObject({ upstreamType: 'incomplete_stream' });
  });

  it('stops when the caller aborts, reports what was spent, and the upstream connection is closed', async () => {
    fake.enqueue({ kind: 'reply', text: 'word '.repeat(200), pieceDelayMs: 20 });
    const visitor = new AbortController();
    const seen: GenerateEvent[] = [];

    for await (const event of provider().stream(request({ signal: visitor.signal }))) {
      seen.push(event);
      if (seen.length === 2) visitor.abort();
    }

    expect(seen).toHaveLength(3);
    expect(seen.slice(0, 2).every((event) => event.type === 'token')).toBe(true);
    // The tokens already spent, for the chat log's aborted turn: the prompt sent and the reply so far.
    const spent = seen[2];
    expect(spent.type === 'usage' && spent.usage.tokensIn > 0 && spent.usage.tokensOut > 0).toBe(true);
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
});
