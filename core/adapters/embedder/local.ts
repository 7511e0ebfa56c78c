import type { Embedder } from './types';
import { splitWords } from '../../retrieval/terms';

/**
 * The offline default: a feature-hashed bag of stems, stem bigrams and character n-grams.
 * Deterministic and download-free, so ingestion and chat work with no provider. It only knows
 * words, not meaning; hybrid retrieval pairs it with BM25 so rare terms still win.
 */

export interface LocalEmbedderOptions {
  dimensions?: number;
}

const MODEL = 'local-hash-v1';
const MAX_BATCH_SIZE = 256;

// Relative weight of each feature family after sublinear TF. Stems carry the topic, bigrams
// reward phrases kept together, character n-grams catch inflections the stemmer misses,
// compounds, typos and scripts the stemmer does not know.
const FEATURE_WEIGHTS = { stem: 1, bigram: 0.6, charGram: 0.35 } as const;
const CHAR_GRAM_SIZES = [3, 4, 5] as const;
const EMPTY_TEXT_FEATURE = '\u0000empty';

export function createLocalEmbedder({ dimensions = 1024 }: LocalEmbedderOptions = {}): Embedder {
  if (!Number.isInteger(dimensions) || dimensions < 16) {
    throw new RangeError(`Local embedder dimensions must be an integer of at least 16, got ${dimensions}.`);
  }
  return {
    model: MODEL,
    dimensions,
    maxBatchSize: MAX_BATCH_SIZE,
    async embed(texts, options) {
      options?.signal?.throwIfAborted();
      return texts.map((text) => embedText(text, dimensions));
    },
  };
}

export function embedText(text: string, dimensions: number): number[] {
  const vector = new Float64Array(dimensions);
  for (const [family, counts] of Object.entries(extractFeatures(text)) as Array<
    [keyof typeof FEATURE_WEIGHTS, Map<string, number>]
  >) {
    const familyVector = new Float64Array(dimensions);
    for (const [feature, count] of counts) {
      const hash = hashFeature(family, feature);
      const sign = hash & 0x80000000 ? -1 : 1;
      familyVector[(hash & 0x7fffffff) % dimensions] += sign * (1 + Math.log(count));
    }
    // Each family is normalised before weighting so long words (many n-grams) do not drown stems.
    const norm = euclideanNorm(familyVector);
    if (norm === 0) continue;
    const scale = FEATURE_WEIGHTS[family] / norm;
    for (let i = 0; i < dimensions; i += 1) vector[i] += familyVector[i] * scale;
  }
  return l2Normalise(vector);
}

function extractFeatures(text: string): Record<keyof typeof FEATURE_WEIGHTS, Map<string, number>> {
  const stem = new Map<string, number>();
  const bigram = new Map<string, number>();
  const charGram = new Map<string, number>();
  const words = splitWords(text);
  const contentWords = words.filter((word) => !word.stopword);
  // "Who is it?" has only stopwords; they are still better than nothing to match on.
  const featureWords = contentWords.length > 0 ? contentWords : words;
  if (featureWords.length === 0) {
    // Vectors must be unit length for cosine search, so text without words gets one fixed feature.
    increment(stem, EMPTY_TEXT_FEATURE);
    return { stem, bigram, charGram };
  }
  let previousStem: string | undefined;
  for (const word of featureWords) {
    increment(stem, word.stem);
    if (previousStem !== undefined) increment(bigram, `${previousStem} ${word.stem}`);
    previousStem = word.stem;
    const padded = `<${word.text}>`;
    const characters = Array.from(padded);
    for (const size of CHAR_GRAM_SIZES) {
      for (let start = 0; start + size <= characters.length; start += 1) {
        increment(charGram, characters.slice(start, start + size).join(''));
      }
    }
  }
  return { stem, bigram, charGram };
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** FNV-1a over the family and feature, then murmur3's finaliser so every bit is well mixed. */
function hashFeature(family: string, feature: string): number {
  let hash = 0x811c9dc5;
  const key = `${family}\u0000${feature}`;
  for (let i = 0; i < key.length; i += 1) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

function euclideanNorm(vector: Float64Array): number {
  let sumOfSquares = 0;
  for (const value of vector) sumOfSquares += value * value;
  return Math.sqrt(sumOfSquares);
}

function l2Normalise(vector: Float64Array): number[] {
  const norm = euclideanNorm(vector);
  return Array.from(vector, (value) => value / norm);
}
