import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../errors';
import { createOpenAiEmbedder } from './openai';

/**
 * A local server that speaks OpenAI's `/v1/embeddings` JSON, driven through the real SDK.
 * Each test queues how the next request is answered.
 */
type Reply = (request: { body: EmbeddingsBody; headers: IncomingMessage['headers'] }, response: ServerResponse) => void;

interface EmbeddingsBody {
  model: string;
  input: string[];
  dimensions?: number;
  encoding_format?: string;
}

let server: Server;
let baseURL: string;
const replies: Reply[] = [];
const received: Array<{ path: string; body: EmbeddingsBody; authorization?: string }> = [];

function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

/** Deterministic, deliberately unnormalised vectors so normalisation is observable. */
function vectorFor(text: string, dimensions: number): number[] {
  return Array.from({ length: dimensions }, (_, i) => ((text.length + i) % 7) + 1);
}

const answerWithVectors: Reply = ({ body }, response) => {
  const dimensions = body.dimensions ?? 3072;
  // Returned in reverse order: the embedder must restore input order from `index`.
  const data = body.input
    .map((text, index) => ({ object: 'embedding', index, embedding: vectorFor(text, dimensions) }))
    .reverse();
  json(response, 200, { object: 'list', data, model: body.model, usage: { prompt_tokens: 5, total_tokens: 5 } });
};

beforeAll(async () => {
  server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk) => (raw += chunk));
    request.on('end', () => {
      const body = JSON.parse(raw || '{}') as EmbeddingsBody;
      received.push({ path: request.url ?? '', body, authorization: request.headers.authorization });
      const reply = replies.shift() ?? answerWithVectors;
      reply({ body, headers: request.headers }, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  replies.length = 0;
  received.length = 0;
});

async function captureError(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('createOpenAiEmbedder', () => {
  it('sends one request with model, inputs, dimensions and key, and returns unit vectors in input order', async () => {
    const embedder = createOpenAiEmbedder({ apiKey: 'sk-test', baseURL, dimensions: 8 });

    const vectors = await embedder.embed(['a', 'bbb', 'cc']);

    expect(received).toHaveLength(1);
    expect(received[0].path).toBe('/v1/embeddings');
    expect(received[0].authorization).toBe('Bearer sk-test');
    expect(received[0].body).toMatchObject({
      model: 'text-embedding-3-large',
      input: ['a', 'bbb', 'cc'],
      dimensions: 8,
      encoding_format: 'float',
    });
    expect(vectors).toHaveLength(3);
    for (const [index, text] of ['a', 'bbb', 'cc'].entries()) {
      const raw = vectorFor(text, 8);
      const norm = Math.hypot(...raw);
      expect(vectors[index]).toEqual(raw.map((value) => expect.closeTo(value / norm, 10)));
      expect(Math.hypot(...vectors[index])).toBeCloseTo(1, 10);
    }
    expect(embedder.dimensions).toBe(8);
    expect(embedder.model).toBe('text-embedding-3-large');
  });

  it('leaves dimensions out of the request when none are configured and reports the model’s native size', async () => {
    const embedder = createOpenAiEmbedder({ apiKey: 'sk-test', baseURL });

    const [vector] = await embedder.embed(['hello']);

    expect(received[0].body).not.toHaveProperty('dimensions');
    expect(embedder.dimensions).toBe(3072);
    expect(vector).toHaveLength(3072);
  });

  it('makes no request for an empty batch and refuses a batch above maxBatchSize', async () => {
    const embedder = createOpenAiEmbedder({ apiKey: 'sk-test', baseURL, dimensions: 4, maxBatchSize: 2 });

    await expect(embedder.embed([])).resolves.toEqual([]);
    const error = await captureError(embedder.embed(['a', 'b', 'c']));

    expect(error.code).toBe('embedding_batch_too_large');
    expect(received).toHaveLength(0);
  });

  it('maps 429 to a retryable embedding_rate_limited error after exactly one request', async () => {
    replies.push((_, response) =>
      json(
        response,
        429,
        { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } },
        { 'retry-after': '7' },
      ),
    );
    const embedder = createOpenAiEmbedder({ apiKey: 'sk-test', baseURL, dimensions: 4 });

    const error = await captureError(embedder.embed(['a']));

    expect(error.code).toBe('embedding_rate_limited');
    expect(error.retryable).toBe(true);
    expect(error.details).toMatchObject({ upstreamStatus: 429, retryAfter: '7' });
    expect(received).toHaveLength(1);
  });

  it('maps a 5xx to a retryable embedding_unavailable error', async () => {
    replies.push((_, response) => json(response, 503, { error: { message: 'overloaded', type: 'server_error' } }));
    const embedder = createOpenAiEmbedder({ apiKey: 'sk-test', baseURL, dimensions: 4 });

    const error = await captureError(embedder.embed(['a']));

    expect(error.code).toBe('embedding_unavailable');
    expect(error.retryable).toBe(true);
  });

  it('maps 401 to a non-retryable embedding_auth_failed error', async () => {
    replies.push((_, response) =>
      json(response, 401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } }),
    );
    const embedder = createOpenAiEmbedder({ apiKey: 'sk-wrong', baseURL, dimensions: 4 });

    const error = await captureError(embedder.embed(['a']));

    expect(error.code).toBe('embedding_auth_failed');
    expect(error.retryable).toBe(false);
    expect(error.message).not.toContain('Incorrect API key');
  });

  it('maps a 400 to a non-retryable rejection', async () => {
    replies.push((_, response) =>
      json(response, 400, { error: { message: 'bad model', type: 'invalid_request_error' } }),
    );
    const embedder = createOpenAiEmbedder({ apiKey: 'sk-test', baseURL, dimensions: 4 });

    const error = await captureError(embedder.embed(['a']));

    expect(error.code).toBe('embedding_request_rejected');
    expect(error.retryable).toBe(false);
  });

  it('maps a timeout to a retryable embedding_unavailable error', async () => {
    replies.push((request, response) => setTimeout(() => answerWithVectors(request, response), 1_000));
    const embedder = createOpenAiEmbedder({ apiKey: 'sk-test', baseURL, dimensions: 4, timeoutMs: 100 });

    const error = await captureError(embedder.embed(['a']));

    expect(error.code).toBe('embedding_unavailable');
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/timed out/);
  });

  it('maps an unreachable server to a retryable embedding_unavailable error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const embedder = createOpenAiEmbedder({ apiKey: 'sk-test', baseURL: `http://127.0.0.1:${port}/v1`, dimensions: 4 });

    const error = await captureError(embedder.embed(['a']));

    expect(error.code).toBe('embedding_unavailable');
    expect(error.retryable).toBe(true);
  });

  it('rejects a response whose vectors do not match the request', async () => {
    replies.push(({ body }, response) =>
      json(response, 200, {
        object: 'list',
        data: [{ object: 'embedding', index: 0, embedding: [1, 2] }],
        model: body.model,
      }),
    );
    const embedder = createOpenAiEmbedder({ apiKey: 'sk-test', baseURL, dimensions: 4 });

    const error = await captureError(embedder.embed(['a', 'b']));

    expect(error.code).toBe('embedding_invalid_response');
  });

  it('passes the caller’s abort through instead of reporting a provider failure', async () => {
    replies.push((request, response) => setTimeout(() => answerWithVectors(request, response), 1_000));
    const embedder = createOpenAiEmbedder({ apiKey: 'sk-test', baseURL, dimensions: 4 });
    const controller = new AbortController();
    const reason = new Error('visitor left');

    const pending = embedder.embed(['a'], { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 50);

    await expect(pending).rejects.toBe(reason);
  });

  it('needs explicit dimensions for a model whose size it does not know', () => {
    expect(() => createOpenAiEmbedder({ apiKey: 'x', baseURL, model: 'nomic-embed-text' })).toThrow(/dimensions/);
    expect(createOpenAiEmbedder({ apiKey: 'x', baseURL, model: 'nomic-embed-text', dimensions: 768 }).dimensions).toBe(
      768,
    );
  });
});
