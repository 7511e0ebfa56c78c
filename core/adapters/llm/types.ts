export interface ChatTurn {
  role: 'user' | 'assistant';
  content: string;
}

export interface RetrievedChunk {
  documentId: string;
  filename: string;
  chunkIndex: number;
  page?: number | null;
  score: number;
  text: string;
  /** Web pages: the page title and its URL (see core/services/retrieval.ts). */
  title?: string | null;
  url?: string | null;
}

export interface GenerateRequest {
  /** Static instructions; providers that support prompt caching mark this block cacheable. */
  systemPrompt: string;
  /** Retrieved document excerpts, numbered for citation; treated as data, never as instructions. */
  context: RetrievedChunk[];
  history: ChatTurn[];
  question: string;
  model: string;
  maxTokens?: number;
  temperature?: number;
  signal?: AbortSignal;
}

export interface Usage {
  model: string;
  tokensIn: number;
  tokensOut: number;
  cachedTokens: number;
}

export type GenerateEvent = { type: 'token'; text: string } | { type: 'usage'; usage: Usage };

/** A chat model. Failures are AppError with code `llm_rate_limited`, `llm_unavailable` or `llm_timeout`. */
export interface LlmProvider {
  readonly name: 'anthropic' | 'openai' | 'local';
  stream(request: GenerateRequest): AsyncIterable<GenerateEvent>;
}
