import OpenAI, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  AuthenticationError,
  PermissionDeniedError,
  RateLimitError,
} from 'openai';
import type {
  ChatCompletionCreateParamsStreaming,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import { isAppError, type AppError } from '../../errors';
import { buildPrompt, type PromptInput } from './prompt';
import type { GenerateEvent, GenerateRequest, LlmProvider, Usage } from './types';
import {
  llmAuthFailed,
  llmRateLimited,
  llmTimeout,
  llmUnavailable,
  parseRetryAfter,
  startUpstreamCall,
} from './upstream-call';

/** The free tier's model (the original design, docs/architecture.md: GPT-4o-mini). */
export const DEFAULT_OPENAI_MODEL = 'gpt-4o-mini';

/** Bounds a runaway reply's cost; widget answers are short. */
export const DEFAULT_OPENAI_MAX_TOKENS = 1024;

export interface OpenAiProviderOptions {
  apiKey: string;
  /** Any OpenAI-compatible endpoint (Ollama, vLLM, a gateway); the SDK default otherwise. */
  baseURL?: string;
  /** Longest silence tolerated from the API: before the first byte and between stream chunks. */
  timeoutMs?: number;
  /** SDK retries before the first byte; 0 by default because a visitor is waiting. */
  maxRetries?: number;
}

export function createOpenAiProvider({
  apiKey,
  baseURL,
  timeoutMs = 60_000,
  maxRetries = 0,
}: OpenAiProviderOptions): LlmProvider {
  const client = new OpenAI({ apiKey, baseURL, timeout: timeoutMs, maxRetries });
  return {
    name: 'openai',
    stream: (request) => streamAnswer({ client, request, timeoutMs }),
  };
}

/**
 * `siteInstructions` is not part of GenerateRequest yet; a request object that carries it still
 * reaches the prompt builder, which places it as fenced data below the static block.
 */
async function* streamAnswer({
  client,
  request,
  timeoutMs,
}: {
  client: OpenAI;
  request: GenerateRequest & Pick<PromptInput, 'siteInstructions'>;
  timeoutMs: number;
}): AsyncGenerator<GenerateEvent> {
  if (request.signal?.aborted) return;
  const prompt = buildPrompt(request);
  const messages: ChatCompletionMessageParam[] = [
    // One system message with the static text first: OpenAI caches identical prompt prefixes on
    // its own, and some compatible servers' chat templates reject a second system message.
    { role: 'system', content: `${prompt.staticSystem}\n\n${prompt.dynamicContext}` },
    ...prompt.messages.map((turn) => ({ role: turn.role, content: turn.content })),
  ];
  const body: ChatCompletionCreateParamsStreaming = {
    model: request.model,
    messages,
    // `max_tokens` rather than `max_completion_tokens`: the chat models we use accept it, and
    // OpenAI-compatible servers (Ollama, older vLLM) know only this one.
    max_tokens: request.maxTokens ?? DEFAULT_OPENAI_MAX_TOKENS,
    ...(request.temperature !== undefined && { temperature: request.temperature }),
    stream: true,
    stream_options: { include_usage: true },
  };

  const call = startUpstreamCall({ callerSignal: request.signal, inactivityTimeoutMs: timeoutMs });
  let reported: OpenAI.CompletionUsage | undefined;
  let finished = false;
  const reply: string[] = [];
  try {
    const stream = await client.chat.completions.create(body, { signal: call.signal });
    call.heard();
    for await (const chunk of stream) {
      call.heard();
      if (chunk.usage) reported = chunk.usage;
      for (const choice of chunk.choices) {
        if (choice.finish_reason) finished = true;
        const text = choice.delta?.content;
        if (text) {
          reply.push(text);
          call.pause();
          yield { type: 'token', text };
          call.heard();
        }
      }
    }
    // The SDK ends the iteration quietly when its signal aborts, so the reason is read here.
    if (call.callerAborted())
      return yield { type: 'usage', usage: await spentOnAbort(request.model, messages, reply, reported) };
    if (call.timedOut()) throw llmTimeout({ provider: 'openai' });
    // Without a finish_reason the answer was cut off, whatever the transport said.
    if (!finished) throw llmUnavailable({ provider: 'openai', upstreamType: 'incomplete_stream' });
    yield {
      type: 'usage',
      usage: reported
        ? fromReportedUsage(request.model, reported)
        : await estimateUsage(request.model, messages, reply.join('')),
    };
  } catch (error) {
    if (call.callerAborted())
      return yield { type: 'usage', usage: await spentOnAbort(request.model, messages, reply, reported) };
    if (call.timedOut()) throw llmTimeout({ provider: 'openai' }, error);
    throw toAppError(error);
  } finally {
    call.end();
  }
}

/**
 * `tokensIn` counts only uncached prompt tokens, matching the Anthropic adapter, so that
 * tokensIn + cachedTokens is the whole prompt for every provider and pricing can charge each at
 * its own rate. OpenAI's `prompt_tokens` includes the cached ones.
 */
function fromReportedUsage(model: string, usage: OpenAI.CompletionUsage): Usage {
  const cachedTokens = usage.prompt_tokens_details?.cached_tokens ?? 0;
  return {
    model,
    tokensIn: Math.max(0, usage.prompt_tokens - cachedTokens),
    tokensOut: usage.completion_tokens,
    cachedTokens,
  };
}

/**
 * What a request the visitor walked away from cost: the server's own count when it got that far,
 * else an estimate of the prompt that was sent (billed whether or not a token came back) and of
 * the reply so far. The chat log records it with status `aborted`.
 */
async function spentOnAbort(
  model: string,
  messages: ChatCompletionMessageParam[],
  reply: string[],
  reported?: OpenAI.CompletionUsage,
): Promise<Usage> {
  return reported ? fromReportedUsage(model, reported) : estimateUsage(model, messages, reply.join(''));
}

/**
 * Some compatible servers ignore `stream_options` and report nothing. Counting with the
 * GPT-4o tokenizer is exact for OpenAI models and close enough for metering others; the
 * tokenizer's tables are loaded only on this path.
 */
async function estimateUsage(model: string, messages: ChatCompletionMessageParam[], reply: string): Promise<Usage> {
  const { countTokens } = await import('gpt-tokenizer');
  // Document text may contain strings such as "<|endoftext|>"; count them as text.
  const asText = { disallowedSpecial: new Set<string>() };
  // OpenAI's published accounting: about 3 tokens of framing per message and 3 to prime the reply.
  const framingPerMessage = 3;
  let tokensIn = 3;
  for (const message of messages) {
    tokensIn += framingPerMessage + countTokens(typeof message.content === 'string' ? message.content : '', asText);
  }
  return { model, tokensIn, tokensOut: countTokens(reply, asText), cachedTokens: 0 };
}

function toAppError(error: unknown): AppError {
  if (isAppError(error)) return error;
  const provider = 'openai';
  if (error instanceof APIConnectionTimeoutError) return llmTimeout({ provider }, error);
  if (error instanceof APIConnectionError) return llmUnavailable({ provider, upstreamType: 'connection_error' }, error);
  if (error instanceof APIError) {
    const details = {
      provider,
      upstreamStatus: error.status,
      upstreamType: error.code ?? error.type ?? undefined,
      requestId: error.requestID ?? undefined,
    };
    if (error instanceof RateLimitError || details.upstreamType === 'rate_limit_exceeded') {
      return llmRateLimited(
        { ...details, retryAfterSeconds: parseRetryAfter(error.headers?.get('retry-after')) },
        error,
      );
    }
    if (error instanceof AuthenticationError || error instanceof PermissionDeniedError)
      return llmAuthFailed(details, error);
    // 5xx and in-band stream errors (no status) are transient; other 4xx mean a request we built
    // or a model name that is wrong, which a retry will not fix.
    const transient = error.status === undefined || error.status >= 500 || error.status === 408;
    return llmUnavailable(details, error, { retryable: transient });
  }
  // undici reports a connection dropped mid-body as a plain TypeError ("terminated").
  return llmUnavailable({ provider, upstreamType: 'connection_error' }, error);
}
