import { describe, expect, it } from 'vitest';
import { createLocalEmbedder } from './local';

function cosine(a: number[], b: number[]): number {
  return a.reduce((sum, value, index) => sum + value * b[index], 0);
}

describe('createLocalEmbedder', () => {
  const embedder = createLocalEmbedder();

  it('describes itself as a 1024-dimension offline model by default', () => {
    expect(embedder.model).toBe('local-hash-v1');
    expect(embedder.dimensions).toBe(1024);
    expect(embedder.maxBatchSize).toBeGreaterThan(0);
  });

  it('returns one unit-length vector of the configured size per text, in order', async () => {
    const small = createLocalEmbedder({ dimensions: 64 });
    const vectors = await small.embed(['first text', 'second text', '']);
    expect(vectors).toHaveLength(3);
    for (const vector of vectors) {
      expect(vector).toHaveLength(64);
      expect(Math.hypot(...vector)).toBeCloseTo(1, 10);
    }
  });

  it('is deterministic across instances and calls', async () => {
    const [a] = await embedder.embed(['The Normans conquered England in 1066.']);
    const [b] = await createLocalEmbedder().embed(['The Normans conquered England in 1066.']);
    expect(a).toEqual(b);
  });

  it('places a question nearer the passage that answers it than an unrelated one', async () => {
    const [question, answer, unrelated] = await embedder.embed([
      'When did the Normans conquer England?',
      'In 1066 the Norman conquest of England began at the Battle of Hastings.',
      'The Rhine flows from the Swiss Alps to the North Sea through Germany.',
    ]);
    expect(cosine(question, answer)).toBeGreaterThan(cosine(question, unrelated) + 0.1);
  });

  it('matches inflected forms through stemming and character n-grams', async () => {
    const [query, inflected, other] = await embedder.embed(['running dogs', 'the dog runs', 'a cat sleeps']);
    expect(cosine(query, inflected)).toBeGreaterThan(0.3);
    expect(cosine(query, inflected)).toBeGreaterThan(cosine(query, other) + 0.2);
  });

  it('ignores case, stopwords and Unicode compatibility forms', async () => {
    const [a, b] = await embedder.embed(['The Capital of France', 'capital france']);
    expect(cosine(a, b)).toBeCloseTo(1, 6);
    const [wide, narrow] = await embedder.embed(['ＡＢＣ data', 'abc data']);
    expect(cosine(wide, narrow)).toBeCloseTo(1, 6);
  });

  it('works for scripts without spaces or Latin letters', async () => {
    const [japaneseQuery, japaneseDoc, russianDoc, arabicDoc] = await embedder.embed([
      '東京の人口',
      '東京都の人口は約1400万人です。',
      'Население Москвы составляет около 13 миллионов человек.',
      'يبلغ عدد سكان القاهرة حوالي عشرة ملايين نسمة.',
    ]);
    expect(cosine(japaneseQuery, japaneseDoc)).toBeGreaterThan(cosine(japaneseQuery, russianDoc) + 0.2);
    const [russianQuery] = await embedder.embed(['население Москвы']);
    expect(cosine(russianQuery, russianDoc)).toBeGreaterThan(cosine(russianQuery, arabicDoc) + 0.2);
    const [arabicQuery] = await embedder.embed(['سكان القاهرة']);
    expect(cosine(arabicQuery, arabicDoc)).toBeGreaterThan(cosine(arabicQuery, russianDoc) + 0.2);
  });

  it('gives text without words a valid unit vector instead of zeros', async () => {
    const [empty, punctuation, stopwordsOnly] = await embedder.embed(['', '?!…', 'what is it']);
    expect(Math.hypot(...empty)).toBeCloseTo(1, 10);
    expect(Math.hypot(...punctuation)).toBeCloseTo(1, 10);
    expect(Math.hypot(...stopwordsOnly)).toBeCloseTo(1, 10);
  });

  it('honours an aborted signal', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(embedder.embed(['x'], { signal: controller.signal })).rejects.toThrow('stop');
  });

  it('rejects unusable dimensions', () => {
    expect(() => createLocalEmbedder({ dimensions: 0 })).toThrow(RangeError);
    expect(() => createLocalEmbedder({ dimensions: 12.5 })).toThrow(RangeError);
  });

  it('embeds a few hundred chunk-sized texts quickly', async () => {
    const chunk = 'Ingestion splits documents into chunks of a few hundred tokens each. '.repeat(25);
    const started = performance.now();
    await embedder.embed(Array.from({ length: 200 }, (_, index) => `${chunk} ${index}`));
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
