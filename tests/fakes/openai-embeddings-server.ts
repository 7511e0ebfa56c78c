import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Speaks OpenAI's `POST /v1/embeddings` (request `{model, input: string[], dimensions?}`, response
 * `{object: 'list', data: [{object: 'embedding', index, embedding}], model, usage}`), with a
 * configurable delay per request so tests can catch an ingestion in the middle of embedding.
 * Vectors are deterministic hashes of the text.
 */
export async function startFakeEmbeddings({
  delayMs = 0,
  dimensions = 64,
}: { delayMs?: number; dimensions?: number } = {}) {
  const state = { requests: 0, texts: 0 };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || !req.url?.endsWith('/embeddings')) {
        res
          .writeHead(404, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: { message: 'not found', type: 'invalid_request_error' } }));
        return;
      }
      const request = JSON.parse(body) as { model: string; input: string | string[]; dimensions?: number };
      const inputs = Array.isArray(request.input) ? request.input : [request.input];
      state.requests++;
      state.texts += inputs.length;
      const size = request.dimensions ?? dimensions;
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            object: 'list',
            model: request.model,
            data: inputs.map((text, index) => ({ object: 'embedding', index, embedding: vectorFor(text, size) })),
            usage: { prompt_tokens: inputs.length * 10, total_tokens: inputs.length * 10 },
          }),
        );
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function vectorFor(text: string, dimensions: number): number[] {
  const vector: number[] = [];
  let seed = createHash('sha256').update(text).digest();
  while (vector.length < dimensions) {
    for (let index = 0; index + 1 < seed.length && vector.length < dimensions; index += 2)
      vector.push(seed.readInt16BE(index) / 32768);
    seed = createHash('sha256').update(seed).digest();
  }
  const norm = Math.hypot(...vector) || 1;
  return vector.map((value) => value / norm);
}
