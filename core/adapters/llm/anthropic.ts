import Anthropic, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  AuthenticationError,
  PermissionDeniedError,
  RateLimitError,
} from '@anthropic-ai/sdk';
import type { MessageCreateParamsStreaming } from '@anthropic-ai/sdk/resources/messages/messages';
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

/** The paid tier's model (the original design, docs/architecture.md: Claude Sonnet 4.5). */
export const DEFAULT_ANTHROPIC_MODEL = 'claude-sonnet-4-5';

/** The Messages API requires a cap; widget answers are short, and this bounds a runaway reply's cost. */
export const DEFAULT_ANTHROPIC_MAX_TOKENS = 1024;

export interface AnthropicProviderOptions {
  apiKey: string;
  baseURL?: string;
  /** Longest silence tolerated from the API: before the first byte and between stream events. */
  timeoutMs?: number;
  /** SDK retries before the first byte; 0 by default because a visitor is waiting. */
  maxRetries?: number;
}

export function createAnthropicProvider({
  apiKey,
  baseURL,
  timeoutMs = 60_000,
  maxRetries = 0,
}: AnthropicProviderOptions): LlmProvider {
  const client = new Anthropic({ apiKey, baseURL, timeout: timeoutMs, maxRetries });
  return {
    name: 'anthropic',
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
  client: Anthropic;
  request: GenerateRequest & Pick<PromptInput, 'siteInstructions'>;
  timeoutMs: number;
}): AsyncGenerator<GenerateEvent> {
  if (request.signal?.aborted) return;
  const prompt = buildPrompt(request);
  const body: MessageCreateParamsStreaming = {
    model: request.model,
    max_tokens: request.maxTokens ?? DEFAULT_ANTHROPIC_MAX_TOKENS,
    ...(request.temperature !== undefined && { temperature: request.temperature }),
    system: [
      { type: 'text', text: prompt.staticSystem, cache_control: { type: 'ephemeral' } },
      { type: 'text', text: prompt.dynamicContext },
    ],
    messages: prompt.messages.map((turn) => ({ role: turn.role, content: turn.content })),
    stream: true,
  };

  const call = startUpstreamCall({ callerSignal: request.signal, inactivityTimeoutMs: timeoutMs });
  const usage = { inputTokens: 0, cacheCreationTokens: 0, cacheReadTokens: 0, outputTokens: 0 };
  let sawMessageStop = false;
  const reply: string[] = [];
  // What a request the visitor walked away from cost: the server's counts once message_start came,
  // else an estimate of the prompt that was sent; the chat log records it with status `aborted`.
  const spentOnAbort = async (): Promise<GenerateEvent> => ({
    type: 'usage',
    usage: {
      model: request.model,
      tokensIn:
        usage.inputTokens + usage.cacheCreationTokens ||
        (await estimateTokens([
          prompt.staticSystem,
          prompt.dynamicContext,
          ...prompt.messages.map((turn) => turn.content),
        ])),
      tokensOut: usage.outputTokens || (await estimateTokens(reply)),
      cachedTokens: usage.cacheReadTokens,
    },
  });
  try {
    const stream = await client.messages.create(body, { signal: call.signal });
    call.heard();
    for await (const event of stream) {
      call.heard();
      switch (event.type) {
        case 'message_start': {
          const start = event.message.usage;
          usage.inputTokens = start.input_tokens;
          usage.cacheCreationTokens = start.cache_creation_input_tokens ?? 0;
          usage.cacheReadTokens = start.cache_read_input_tokens ?? 0;
          usage.outputTokens = start.output_tokens;
          break;
        }
        case 'content_block_delta':
          if (event.delta.type === 'text_delta' && event.delta.text) {
            reply.push(event.delta.text);
            call.pause();
            yield { type: 'token', text: event.delta.text };
            call.heard();
          }
          break;
        case 'message_delta': {
          // message_delta usage is cumulative; newer API versions repeat the input counts here.
          const delta = event.usage;
          usage.outputTokens = delta.output_tokens;
          if (delta.input_tokens != null) usage.inputTokens = delta.input_tokens;
          if (delta.cache_creation_input_tokens != null) usage.cacheCreationTokens = delta.cache_creation_input_tokens;
          if (delta.cache_read_input_tokens != null) usage.cacheReadTokens = delta.cache_read_input_tokens;
          break;
        }
        case 'message_stop':
          sawMessageStop = true;
          break;
      }
    }
    // The SDK ends the iteration quietly when its signal aborts, so the reason is read here.
    if (call.callerAborted()) return yield await spentOnAbort();
    if (call.timedOut()) throw llmTimeout({ provider: 'anthropic' });
    // A stream that ends without message_stop is a truncated answer, not a finished one.
    if (!sawMessageStop) throw llmUnavailable({ provider: 'anthropic', upstreamType: 'incomplete_stream' });
    const result: Usage = {
      model: request.model,
      // Cache writes are billed as input (at 1.25x); cache reads are reported on their own.
      tokensIn: usage.inputTokens + usage.cacheCreationTokens,
      tokensOut: usage.outputTokens,
      cachedTokens: usage.cacheReadTokens,
    };
    yield { type: 'usage', usage: result };
  } catch (error) {
    if (call.callerAborted()) return yield await spentOnAbort();
    if (call.timedOut()) throw llmTimeout({ provider: 'anthropic' }, error);
    throw toAppError(error);
  } finally {
    call.end();
  }
}

/** Tokens of `texts` by the GPT-4o tokenizer: an estimate for metering when Anthropic reported nothing (its tokenizer is not public). */
async function estimateTokens(texts: string[]): Promise<number> {
  const { countTokens } = await import('gpt-tokenizer');
  const asText = { disallowedSpecial: new Set<string>() };
  return texts.reduce((sum, text) => sum + countTokens(text, asText), 0);
}

function toAppError(error: unknown): AppError {
  if (isAppError(error)) return error;
  const provider = 'anthropic';
  if (error instanceof APIConnectionTimeoutError) return llmTimeout({ provider }, error);
  if (error instanceof APIConnectionError) return llmUnavailable({ provider, upstreamType: 'connection_error' }, error);
  if (error instanceof APIError) {
    const details = {
      provider,
      upstreamStatus: error.status,
      upstreamType: errorType(error),
      requestId: error.requestID ?? undefined,
    };
    if (error instanceof RateLimitError || details.upstreamType === 'rate_limit_error') {
      return llmRateLimited(
        { ...details, retryAfterSeconds: parseRetryAfter(error.headers?.get('retry-after')) },
        error,
      );
    }
    if (error instanceof AuthenticationError || error instanceof PermissionDeniedError)
      return llmAuthFailed(details, error);
    // 5xx, 529 overloaded and in-band stream errors (no status) are transient; other 4xx mean a
    // request we built or a model name that is wrong, which a retry will not fix.
    const transient = error.status === undefined || error.status >= 500 || error.status === 408;
    return llmUnavailable(details, error, { retryable: transient });
  }
  // undici reports a connection dropped mid-body as a plain TypeError ("terminated").
  return llmUnavailable({ provider, upstreamType: 'connection_error' }, error);
}

function errorType(error: APIError): string | undefined {
  if (error.type) return error.type;
  const body = error.error as { error?: { type?: unknown } } | undefined;
  return typeof body?.error?.type === 'string' ? body.error.type : undefined;
}
