import {
  pieceCount,
  startScriptedServer,
  streamPieces,
  type Exchange,
  type FakeLlmBehaviour,
  type RecordedRequest,
} from './llm-fake-server';

/**
 * A local stand-in for the Anthropic Messages API (POST /v1/messages, stream: true) that speaks
 * its real SSE wire format, so tests drive the real @anthropic-ai/sdk against it:
 * message_start (with usage incl. cache_read/cache_creation_input_tokens), content_block_start,
 * ping, content_block_delta (text_delta) per piece, content_block_stop, message_delta
 * (stop_reason, usage.output_tokens), message_stop. Errors use the API's JSON error body.
 *
 *   const fake = await startFakeAnthropic();
 *   fake.enqueue({ kind: 'reply', text: 'Hello there', usage: { cacheReadInputTokens: 1800 } });
 *   createAnthropicProvider({ apiKey: fake.apiKey, baseURL: fake.baseURL })
 */

export interface FakeAnthropicUsage {
  inputTokens: number;
  outputTokens: number;
  cacheCreationInputTokens: number;
  cacheReadInputTokens: number;
}

export type FakeAnthropicBehaviour = FakeLlmBehaviour<FakeAnthropicUsage>;

export interface FakeAnthropicServer {
  /** Pass as `baseURL` to the SDK (it appends /v1/messages). */
  baseURL: string;
  /** The only key the fake accepts; any other gets the API's 401. */
  apiKey: string;
  requests: RecordedRequest[];
  enqueue(...behaviours: FakeAnthropicBehaviour[]): void;
  close(): Promise<void>;
}

export const FAKE_ANTHROPIC_DEFAULT_REPLY = 'This is a reply from the fake Anthropic server.';

/** Text the fake puts in its error bodies so tests can prove none of it reaches a visitor. */
export const FAKE_ANTHROPIC_ERROR_SECRET = 'sk-ant-fake-secret see https://console.anthropic.example/settings/limits';

export async function startFakeAnthropic({
  apiKey = 'sk-ant-test-key',
}: { apiKey?: string } = {}): Promise<FakeAnthropicServer> {
  let requestCount = 0;
  const server = await startScriptedServer<FakeAnthropicBehaviour>({
    defaultBehaviour: () => ({ kind: 'reply', text: FAKE_ANTHROPIC_DEFAULT_REPLY }),
    async handle(exchange, behaviour) {
      requestCount += 1;
      const requestId = `req_fake_${requestCount}`;
      const { request } = exchange;
      if (request.method !== 'POST' || request.path.split('?')[0] !== '/v1/messages') {
        return errorResponse(exchange, 404, 'not_found_error', 'Not found', requestId);
      }
      if (request.headers['x-api-key'] !== apiKey) {
        return errorResponse(
          exchange,
          401,
          'authentication_error',
          `invalid x-api-key ${FAKE_ANTHROPIC_ERROR_SECRET}`,
          requestId,
        );
      }
      const body = request.body as
        { model?: unknown; max_tokens?: unknown; messages?: unknown; stream?: unknown } | undefined;
      if (
        !body ||
        typeof body.model !== 'string' ||
        typeof body.max_tokens !== 'number' ||
        !Array.isArray(body.messages)
      ) {
        return errorResponse(
          exchange,
          400,
          'invalid_request_error',
          'model, max_tokens and messages are required',
          requestId,
        );
      }
      if (body.stream !== true) {
        return errorResponse(exchange, 400, 'invalid_request_error', 'this fake only streams', requestId);
      }

      switch (behaviour.kind) {
        case 'rate-limit':
          return errorResponse(
            exchange,
            429,
            'rate_limit_error',
            `Number of request tokens has exceeded your per-minute rate limit ${FAKE_ANTHROPIC_ERROR_SECRET}`,
            requestId,
            {
              'retry-after': String(behaviour.retryAfterSeconds ?? 30),
            },
          );
        case 'server-error': {
          const status = behaviour.status ?? 500;
          const [type, message] =
            status === 529 ? ['overloaded_error', 'Overloaded'] : ['api_error', 'Internal server error'];
          return errorResponse(exchange, status, type, `${message} ${FAKE_ANTHROPIC_ERROR_SECRET}`, requestId);
        }
        case 'hang':
          return exchange.untilClientLeaves();
        case 'reply':
          return streamMessage(exchange, behaviour, body.model, requestId);
      }
    },
  });

  return {
    baseURL: server.origin,
    apiKey,
    requests: server.requests,
    enqueue: server.enqueue,
    close: server.close,
  };
}

function errorResponse(
  exchange: Exchange,
  status: number,
  type: string,
  message: string,
  requestId: string,
  headers: Record<string, string> = {},
) {
  exchange.sendJson(status, { type: 'error', error: { type, message } }, { 'request-id': requestId, ...headers });
}

async function streamMessage(
  exchange: Exchange,
  reply: Extract<FakeAnthropicBehaviour, { kind: 'reply' }>,
  model: string,
  requestId: string,
) {
  const usage: FakeAnthropicUsage = {
    inputTokens: 120,
    outputTokens: pieceCount(reply),
    cacheCreationInputTokens: 0,
    cacheReadInputTokens: 0,
    ...reply.usage,
  };
  const send = (type: string, payload: Record<string, unknown>) =>
    exchange.writeEvent(JSON.stringify({ type, ...payload }), type);

  exchange.startEventStream({ 'request-id': requestId });
  send('message_start', {
    message: {
      id: `msg_fake_${requestId}`,
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: {
        input_tokens: usage.inputTokens,
        cache_creation_input_tokens: usage.cacheCreationInputTokens,
        cache_read_input_tokens: usage.cacheReadInputTokens,
        output_tokens: 1,
      },
    },
  });
  send('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
  send('ping', {});

  const outcome = await streamPieces(
    exchange,
    reply,
    (piece) => send('content_block_delta', { index: 0, delta: { type: 'text_delta', text: piece } }),
    () =>
      exchange.writeEvent(
        JSON.stringify({
          type: 'error',
          error: { type: 'overloaded_error', message: `Overloaded ${FAKE_ANTHROPIC_ERROR_SECRET}` },
        }),
        'error',
      ),
  );
  if (outcome !== 'complete') return;

  send('content_block_stop', { index: 0 });
  send('message_delta', {
    delta: { stop_reason: 'end_turn', stop_sequence: null },
    usage: { output_tokens: usage.outputTokens },
  });
  send('message_stop', {});
  exchange.response.end();
}
