export type EmbeddingInputType = 'query' | 'passage';

/** Turns texts into vectors. Implementations: local (offline default) and openai (any OpenAI-compatible /embeddings). */
export interface Embedder {
  /** Stable model name; part of every cache key and stored with vectors. */
  readonly model: string;
  readonly dimensions: number;
  /** Largest number of texts one provider request may carry. */
  readonly maxBatchSize: number;
  /**
   * One provider request per call; callers batch. Vectors are L2-normalised.
   * `inputType` tells asymmetric models (e5, Cohere, Voyage) whether the texts are search queries or
   * passages to be found; passages by default. Symmetric models ignore it.
   */
  embed(texts: string[], options?: { signal?: AbortSignal; inputType?: EmbeddingInputType }): Promise<number[][]>;
}
