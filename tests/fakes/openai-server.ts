import {
  pieceCount,
  startScriptedServer,
  streamPieces,
  type Exchange,
  type FakeLlmBehaviour,
  type FakeReply,
  type RecordedRequest,
} from './llm-fake-server';

/**
 * A local stand-in for OpenAI's chat completions API (POST /v1/chat/completions, stream: true)
 * that speaks its real SSE wire format, so tests drive the real `openai` SDK against it:
 * `data: {chat.completion.chunk}` lines (a role chunk, one content delta per piece, a chunk with
 * finish_reason "stop"), then, when the request asked for stream_options.include_usage, a chunk
 * with empty choices and the usage, then `data: [DONE]`. Errors use the API's JSON error body.
 *
 *   const fake = await startFakeOpenAi();
 *   fake.enqueue({ kind: 'reply', text: 'Hello there', usage: { cachedTokens: 1024 } });
 *   createOpenAiProvider({ apiKey: fake.apiKey, baseURL: fake.baseURL })
 */

export interface FakeOpenAiUsage {
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
}

/** `omitUsage` plays a compatible server (older Ollama, some gateways) that never reports usage. */
export type FakeOpenAiBehaviour =
  | Exclude<FakeLlmBehaviour<FakeOpenAiUsage>, { kind: 'reply' }>
  | (FakeReply<FakeOpenAiUsage> & { omitUsage?: boolean });

export interface FakeOpenAiServer {
  /** Pass as `baseURL` to the SDK; ends in /v1 like https://api.openai.com/v1. */
  baseURL: string;
  /** The only key the fake accepts; any other gets the API's 401. */
  apiKey: string;
  requests: RecordedRequest[];
  enqueue(...behaviours: FakeOpenAiBehaviour[]): void;
  close(): Promise<void>;
}

export const FAKE_OPENAI_DEFAULT_REPLY = 'This is a reply from the fake OpenAI server.';

/** Text the fake puts in its error bodies so tests can prove none of it reaches a visitor. */
export const FAKE_OPENAI_ERROR_SECRET =
  'org-fakeSecret123 sk-proj-fake see https://platform.openai.example/account/rate-limits';

export async function startFakeOpenAi({ apiKey = 'sk-test-key' }: { apiKey?: string } = {}): Promise<FakeOpenAiServer> {
  let requestCount = 0;
  const server = await startScriptedServer<FakeOpenAiBehaviour>({
    defaultBehaviour: () => ({ kind: 'reply', text: FAKE_OPENAI_DEFAULT_REPLY }),
    async handle(exchange, behaviour) {
      requestCount += 1;
      const requestId = `req_fake_${requestCount}`;
      const { request } = exchange;
      if (request.method !== 'POST' || request.path.split('?')[0] !== '/v1/chat/completions') {
        return errorResponse(
          exchange,
          404,
          { message: 'Not found', type: 'invalid_request_error', code: 'unknown_url' },
          requestId,
        );
      }
      if (request.headers.authorization !== `Bearer ${apiKey}`) {
        return errorResponse(
          exchange,
          401,
          {
            message: `Incorrect API key provided ${FAKE_OPENAI_ERROR_SECRET}`,
            type: 'invalid_request_error',
            code: 'invalid_api_key',
          },
          requestId,
        );
      }
      const body = request.body as
        | { model?: unknown; messages?: unknown; stream?: unknown; stream_options?: { include_usage?: unknown } }
        | undefined;
      if (!body || typeof body.model !== 'string' || !Array.isArray(body.messages)) {
        return errorResponse(
          exchange,
          400,
          { message: 'model and messages are required', type: 'invalid_request_error', code: null },
          requestId,
        );
      }
      if (body.stream !== true) {
        return errorResponse(
          exchange,
          400,
          { message: 'this fake only streams', type: 'invalid_request_error', code: null },
          requestId,
        );
      }

      switch (behaviour.kind) {
        case 'rate-limit':
          return errorResponse(
            exchange,
            429,
            {
              message: `Rate limit reached for requests ${FAKE_OPENAI_ERROR_SECRET}`,
              type: 'requests',
              code: 'rate_limit_exceeded',
            },
            requestId,
            { 'retry-after': String(behaviour.retryAfterSeconds ?? 20) },
          );
        case 'server-error':
          return errorResponse(
            exchange,
            behaviour.status ?? 500,
            {
              message: `The server had an error while processing your request ${FAKE_OPENAI_ERROR_SECRET}`,
              type: 'server_error',
              code: null,
            },
            requestId,
          );
        case 'hang':
          return exchange.untilClientLeaves();
        case 'reply':
          return streamCompletion(
            exchange,
            behaviour,
            body.model,
            body.stream_options?.include_usage === true,
            requestId,
          );
      }
    },
  });

  return {
    baseURL: `${server.origin}/v1`,
    apiKey,
    requests: server.requests,
    enqueue: server.enqueue,
    close: server.close,
  };
}

function errorResponse(
  exchange: Exchange,
  status: number,
  error: { message: string; type: string; code: string | null },
  requestId: string,
  headers: Record<string, string> = {},
) {
  exchange.sendJson(status, { error: { ...error, param: null } }, { 'x-request-id': requestId, ...headers });
}

async function streamCompletion(
  exchange: Exchange,
  reply: Extract<FakeOpenAiBehaviour, { kind: 'reply' }>,
  model: string,
  includeUsage: boolean,
  requestId: string,
) {
  const usage: FakeOpenAiUsage = {
    promptTokens: 150,
    completionTokens: pieceCount(reply),
    cachedTokens: 0,
    ...reply.usage,
  };
  const id = `chatcmpl-fake-${requestId}`;
  const created = Math.floor(Date.now() / 1000);
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    exchange.writeEvent(
      JSON.stringify({
        id,
        object: 'chat.completion.chunk',
        created,
        model,
        system_fingerprint: 'fp_fake',
        choices,
        ...(includeUsage && { usage: null }),
        ...extra,
      }),
    );
  const delta = (content: Record<string, unknown>, finishReason: string | null = null) =>
    chunk([{ index: 0, delta: content, logprobs: null, finish_reason: finishReason }]);

  exchange.startEventStream({ 'x-request-id': requestId });
  delta({ role: 'assistant', content: '', refusal: null });
  const outcome = await streamPieces(
    exchange,
    reply,
    (piece) => delta({ content: piece }),
    () =>
      exchange.writeEvent(
        JSON.stringify({
          error: {
            message: `The server had an error ${FAKE_OPENAI_ERROR_SECRET}`,
            type: 'server_error',
            param: null,
            code: null,
          },
        }),
      ),
  );
  if (outcome !== 'complete') return;

  delta({}, 'stop');
  if (includeUsage && !reply.omitUsage) {
    chunk([], {
      usage: {
        prompt_tokens: usage.promptTokens,
        completion_tokens: usage.completionTokens,
        total_tokens: usage.promptTokens + usage.completionTokens,
        prompt_tokens_details: { cached_tokens: usage.cachedTokens, audio_tokens: 0 },
        completion_tokens_details: {
          reasoning_tokens: 0,
          audio_tokens: 0,
          accepted_prediction_tokens: 0,
          rejected_prediction_tokens: 0,
        },
      },
    });
  }
  exchange.writeEvent('[DONE]');
  exchange.response.end();
}
