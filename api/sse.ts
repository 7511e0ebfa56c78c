import type { Response } from 'express';

/** Server-sent events over an Express response: headers that defeat proxy buffering, flushed writes, heartbeats. */
export interface SseStream {
  send(event: string, data: unknown): void;
  comment(text: string): void;
  close(): void;
  readonly closed: boolean;
}

export function formatSseEvent(event: string, data: unknown): string {
  // JSON never contains a raw newline, so one `data:` line per event is always valid framing.
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export function openSse(res: Response, { heartbeatMs = 15_000 }: { heartbeatMs?: number } = {}): SseStream {
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-cache, no-transform');
  res.setHeader('Connection', 'keep-alive');
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
  res.socket?.setNoDelay(true);
  let closed = false;
  const heartbeat = setInterval(() => write(': heartbeat\n\n'), heartbeatMs);
  heartbeat.unref();
  const stop = () => {
    closed = true;
    clearInterval(heartbeat);
  };
  res.on('close', stop);

  function write(chunk: string) {
    if (closed || res.writableEnded) return;
    res.write(chunk);
    // compression middleware buffers unless told to flush.
    (res as Response & { flush?: () => void }).flush?.();
  }

  return {
    send: (event, data) => write(formatSseEvent(event, data)),
    comment: (text) => write(`: ${text.replace(/\n/g, ' ')}\n\n`),
    close() {
      stop();
      if (!res.writableEnded) res.end();
    },
    get closed() {
      return closed;
    },
  };
}
