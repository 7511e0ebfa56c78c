import type { ChatSource, ChatStreamEvent, ChatUsage } from './types';

/** One dispatched Server-Sent Event, as the WHATWG event-stream interpretation defines it. */
export interface SseEvent {
  type: string;
  data: string;
  id: string;
}

/**
 * Incremental `text/event-stream` parser. `fetch` hands us arbitrary slices of the stream, so a
 * line, a CRLF pair or an event may be split across reads; state lives here between `push` calls.
 */
export class SseParser {
  private buffer = '';
  private data = '';
  private eventType = '';
  private lastEventId = '';
  private hasDataField = false;
  private skipLeadingLineFeed = false;
  private atStreamStart = true;

  push(chunk: string): SseEvent[] {
    let text = chunk;
    if (this.atStreamStart && text) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      this.atStreamStart = false;
    }
    if (this.skipLeadingLineFeed && text) {
      if (text[0] === '\n') text = text.slice(1);
      this.skipLeadingLineFeed = false;
    }
    const buffer = this.buffer + text;
    const events: SseEvent[] = [];
    let lineStart = 0;
    for (let index = 0; index < buffer.length; index += 1) {
      const char = buffer[index];
      if (char !== '\r' && char !== '\n') continue;
      const line = buffer.slice(lineStart, index);
      if (char === '\r') {
        // A CR at the very end may be the first half of a CRLF whose LF arrives in the next read.
        if (index + 1 === buffer.length) this.skipLeadingLineFeed = true;
        else if (buffer[index + 1] === '\n') index += 1;
      }
      lineStart = index + 1;
      this.processLine(line, events);
    }
    this.buffer = buffer.slice(lineStart);
    return events;
  }

  /** The stream ended: an event without its terminating blank line is discarded, as browsers do. */
  end(): SseEvent[] {
    this.buffer = '';
    this.data = '';
    this.eventType = '';
    this.hasDataField = false;
    return [];
  }

  private processLine(line: string, events: SseEvent[]): void {
    if (line === '') {
      this.dispatch(events);
      return;
    }
    if (line[0] === ':') return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value[0] === ' ') value = value.slice(1);
    if (field === 'event') this.eventType = value;
    else if (field === 'data') {
      this.data += `${value}\n`;
      this.hasDataField = true;
    } else if (field === 'id' && !value.includes('\u0000')) this.lastEventId = value;
  }

  private dispatch(events: SseEvent[]): void {
    if (this.hasDataField) {
      events.push({ type: this.eventType || 'message', data: this.data.slice(0, -1), id: this.lastEventId });
    }
    this.data = '';
    this.eventType = '';
    this.hasDataField = false;
  }
}

function parseJsonObject(data: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(data);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function toSource(value: unknown): ChatSource | null {
  if (!value || typeof value !== 'object') return null;
  const raw = value as Record<string, unknown>;
  if (typeof raw.filename !== 'string' || !raw.filename) return null;
  const source: ChatSource = {
    documentId: typeof raw.documentId === 'string' ? raw.documentId : '',
    filename: raw.filename,
    chunkIndex: typeof raw.chunkIndex === 'number' ? raw.chunkIndex : 0,
    score: typeof raw.score === 'number' ? raw.score : 0,
    snippet: typeof raw.snippet === 'string' ? raw.snippet : '',
  };
  if (typeof raw.page === 'number' && Number.isFinite(raw.page) && raw.page > 0) source.page = Math.floor(raw.page);
  return source;
}

/** Turns a raw SSE event into one of the chat contract's events; anything unknown is ignored. */
export function parseChatEvent(event: SseEvent): ChatStreamEvent | null {
  const payload = parseJsonObject(event.data);
  switch (event.type) {
    case 'meta':
      if (!payload || typeof payload.sessionId !== 'string') return null;
      return {
        type: 'meta',
        sessionId: payload.sessionId,
        messageId: typeof payload.messageId === 'string' ? payload.messageId : '',
      };
    case 'token':
      return payload && typeof payload.text === 'string' ? { type: 'token', text: payload.text } : null;
    case 'sources': {
      if (!payload || !Array.isArray(payload.sources)) return null;
      const sources = payload.sources.map(toSource).filter((source): source is ChatSource => source !== null);
      return { type: 'sources', sources };
    }
    case 'done':
      return {
        type: 'done',
        usage: payload && payload.usage && typeof payload.usage === 'object' ? (payload.usage as ChatUsage) : null,
        ...(typeof payload?.grounded === 'boolean' ? { grounded: payload.grounded } : {}),
      };
    case 'error':
      return {
        type: 'error',
        code: payload && typeof payload.code === 'string' ? payload.code : 'stream_error',
        message: payload && typeof payload.message === 'string' ? payload.message : '',
      };
    default:
      return null;
  }
}

export type ChatFailureKind =
  'rate_limited' | 'offline' | 'network' | 'server' | 'unauthorized' | 'forbidden' | 'invalid_input' | 'interrupted';

/** A chat request that failed before or while streaming; `kind` picks the visitor-facing text. */
export class ChatRequestError extends Error {
  readonly kind: ChatFailureKind;
  readonly status: number | null;
  readonly retryAfterSeconds: number | null;
  readonly serverMessage: string | null;

  constructor(options: {
    kind: ChatFailureKind;
    status?: number | null;
    retryAfterSeconds?: number | null;
    serverMessage?: string | null;
  }) {
    super(options.kind);
    this.name = 'ChatRequestError';
    this.kind = options.kind;
    this.status = options.status ?? null;
    this.retryAfterSeconds = options.retryAfterSeconds ?? null;
    this.serverMessage = options.serverMessage ?? null;
  }
}

/** `Retry-After` is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number.parseInt(trimmed, 10);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

async function errorMessageFrom(response: Response): Promise<string | null> {
  try {
    const body = parseJsonObject(await response.text());
    const error = body?.error as Record<string, unknown> | undefined;
    return error && typeof error.message === 'string' ? error.message : null;
  } catch {
    return null;
  }
}

async function failureFromResponse(response: Response): Promise<ChatRequestError> {
  const { status } = response;
  if (status === 429) {
    return new ChatRequestError({
      kind: 'rate_limited',
      status,
      retryAfterSeconds: parseRetryAfter(response.headers.get('retry-after')),
    });
  }
  if (status === 401) return new ChatRequestError({ kind: 'unauthorized', status });
  if (status === 403) return new ChatRequestError({ kind: 'forbidden', status });
  if (status === 400 || status === 413 || status === 422) {
    return new ChatRequestError({ kind: 'invalid_input', status, serverMessage: await errorMessageFrom(response) });
  }
  return new ChatRequestError({ kind: 'server', status });
}

function browserIsOffline(): boolean {
  return typeof navigator !== 'undefined' && navigator.onLine === false;
}

export interface StreamChatOptions {
  apiBase: string;
  apiKey: string;
  message: string;
  sessionId: string | null;
  signal: AbortSignal;
  onEvent: (event: ChatStreamEvent) => void;
  fetchImpl?: typeof fetch;
}

/**
 * POSTs a question to `/chat/stream` and feeds each event to `onEvent` as it arrives. Resolves
 * after `done` or `error`; rejects with `ChatRequestError` (or the AbortError when stopped).
 */
export async function streamChat(options: StreamChatOptions): Promise<void> {
  const fetchImpl = options.fetchImpl ?? fetch;
  let response: Response;
  try {
    response = await fetchImpl(new URL('/chat/stream', options.apiBase).href, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'x-api-key': options.apiKey },
      body: JSON.stringify(
        options.sessionId ? { message: options.message, sessionId: options.sessionId } : { message: options.message },
      ),
      signal: options.signal,
      credentials: 'omit',
    });
  } catch (error) {
    if (options.signal.aborted) throw error;
    throw new ChatRequestError({ kind: browserIsOffline() ? 'offline' : 'network' });
  }
  if (!response.ok) throw await failureFromResponse(response);

  const parser = new SseParser();
  let finished = false;
  const deliver = (events: SseEvent[]): void => {
    for (const raw of events) {
      if (finished) return;
      const event = parseChatEvent(raw);
      if (!event) continue;
      if (event.type === 'done' || event.type === 'error') finished = true;
      options.onEvent(event);
    }
  };

  try {
    if (!response.body) {
      deliver(parser.push(await response.text()));
    } else {
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      try {
        while (!finished) {
          const { done, value } = await reader.read();
          if (done) break;
          deliver(parser.push(decoder.decode(value, { stream: true })));
        }
        if (!finished) deliver(parser.push(decoder.decode()));
      } finally {
        if (finished) reader.cancel().catch(() => undefined);
      }
    }
  } catch (error) {
    if (options.signal.aborted) throw error;
    throw new ChatRequestError({ kind: browserIsOffline() ? 'offline' : 'interrupted' });
  }
  parser.end();
  if (!finished) throw new ChatRequestError({ kind: 'interrupted' });
}
