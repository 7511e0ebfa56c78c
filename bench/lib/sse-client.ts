import http from 'node:http';

export interface SseEvent {
  event: string;
  data: string;
}

/** Incremental text/event-stream framing: feed it chunks as they arrive, get whole events back. */
export class SseEventParser {
  private buffer = '';

  push(chunk: string): SseEvent[] {
    this.buffer += chunk.replace(/\r\n?/g, '\n');
    const events: SseEvent[] = [];
    for (let end = this.buffer.indexOf('\n\n'); end !== -1; end = this.buffer.indexOf('\n\n')) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      let hasField = false;
      for (const line of block.split('\n')) {
        if (line === '' || line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') {
          event = value;
          hasField = true;
        } else if (field === 'data') {
          data.push(value);
          hasField = true;
        }
      }
      if (hasField) events.push({ event, data: data.join('\n') });
    }
    return events;
  }
}

export interface OpenedStream {
  status: number;
  /** Request start to the first `event: token`, in ms; null when none came. */
  ttftMs: number | null;
  /** Settles when the response ends (or is cancelled) with what arrived. */
  finished: Promise<{
    totalMs: number;
    tokens: number;
    events: string[];
    doneData?: string;
    errorData?: string;
    error?: string;
  }>;
  cancel(): void;
}

/** One agent per benchmark run: keep-alive like a browser, no cap on concurrent sockets. */
export function createBenchAgent(): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 256 });
}

/**
 * POSTs JSON to an SSE endpoint and resolves as soon as the first token event arrives (or the
 * response ends without one), while the rest of the stream keeps being read into `finished`.
 * Uses node:http rather than fetch so the measuring side adds as little as possible.
 */
export function openSseStream(
  url: string,
  {
    body,
    headers = {},
    agent,
    timeoutMs = 60_000,
  }: { body: unknown; headers?: Record<string, string>; agent?: http.Agent; timeoutMs?: number },
): Promise<OpenedStream> {
  const target = new URL(url);
  const payload = Buffer.from(JSON.stringify(body));
  const started = performance.now();
  return new Promise((resolveOpened, rejectOpened) => {
    let opened = false;
    let resolveFinished!: (value: Awaited<OpenedStream['finished']>) => void;
    const finished = new Promise<Awaited<OpenedStream['finished']>>((resolve) => (resolveFinished = resolve));
    const events: string[] = [];
    let tokens = 0;
    let status = 0;
    let doneData: string | undefined;
    let errorData: string | undefined;
    let ended = false;
    const end = (error?: string) => {
      if (ended) return;
      ended = true;
      clearTimeout(timer);
      resolveFinished({
        totalMs: performance.now() - started,
        tokens,
        events,
        doneData,
        errorData,
        ...(error && { error }),
      });
      if (!opened) {
        opened = true;
        if (status) resolveOpened({ status, ttftMs: null, finished, cancel });
        else rejectOpened(new Error(error ?? 'no response'));
      }
    };
    const request = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': String(payload.length),
          accept: 'text/event-stream',
          ...headers,
        },
      },
      (response) => {
        status = response.statusCode ?? 0;
        // An answer that is not a stream (4xx/5xx JSON) has no first token: report it as opened.
        if (status !== 200 && !opened) {
          opened = true;
          resolveOpened({ status, ttftMs: null, finished, cancel });
        }
        const parser = new SseEventParser();
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          for (const event of parser.push(chunk)) {
            events.push(event.event);
            if (event.event === 'done') doneData = event.data;
            if (event.event === 'error') errorData = event.data;
            if (event.event !== 'token') continue;
            tokens += 1;
            if (!opened) {
              opened = true;
              resolveOpened({ status, ttftMs: performance.now() - started, finished, cancel });
            }
          }
        });
        response.on('end', () => end());
        response.on('error', (error) => end(error.message));
        response.on('close', () => end());
      },
    );
    const cancel = () => {
      request.destroy();
      end();
    };
    const timer = setTimeout(() => {
      request.destroy();
      end(`timed out after ${timeoutMs} ms`);
    }, timeoutMs);
    request.on('error', (error) => end(error.message));
    request.end(payload);
  });
}
