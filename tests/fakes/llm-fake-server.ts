import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The plumbing shared by the fake Anthropic and OpenAI servers: a node:http server on
 * 127.0.0.1:0 that records every request, plays scripted behaviours one request at a time, and
 * notices when a client hangs up. The wire formats live in anthropic-server.ts and openai-server.ts.
 */

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (undefined when the body was not JSON). */
  body: any;
  /** Settles when the exchange is over: `completed` is false when the client hung up first. */
  closed: Promise<{ completed: boolean }>;
}

/** How a scripted reply is streamed and, optionally, cut short. */
export interface FakeReply<TUsage> {
  kind: 'reply';
  text: string;
  /** The pieces to stream; by default the text split before each whitespace run. */
  pieces?: string[];
  pieceDelayMs?: number;
  usage?: Partial<TUsage>;
  /**
   * After `afterPieces` pieces: `drop` hangs up abruptly, `stall` falls silent with the connection
   * open, `error-event` sends the protocol's in-band error, `end` finishes the HTTP response
   * cleanly but without the protocol's closing events.
   */
  interrupt?: { afterPieces: number; how: Interruption };
}

export type Interruption = 'drop' | 'stall' | 'error-event' | 'end';

export type FakeLlmBehaviour<TUsage> =
  | FakeReply<TUsage>
  | { kind: 'rate-limit'; retryAfterSeconds?: number }
  | { kind: 'server-error'; status?: number }
  /** Accept the request and never answer, not even with headers. */
  | { kind: 'hang' };

export function splitIntoPieces(text: string): string[] {
  return text === '' ? [] : text.split(/(?=\s)/);
}

/** One request being answered; the protocol modules write through this. */
export interface Exchange {
  request: RecordedRequest;
  response: ServerResponse;
  sendJson(status: number, body: unknown, headers?: Record<string, string>): void;
  startEventStream(headers?: Record<string, string>): void;
  /** One SSE message; returns false once the client is gone. */
  writeEvent(data: string, event?: string): boolean;
  isOpen(): boolean;
  wait(ms: number): Promise<void>;
  /**
   * Destroy the socket without finishing the response, like an upstream crashing mid-answer.
   * What was already written reaches the client first, as it would from a real server.
   */
  dropConnection(): Promise<void>;
  /** Settles when the client goes away; for behaviours that keep the connection open. */
  untilClientLeaves(): Promise<void>;
}

export interface ScriptedServer<TBehaviour> {
  /** Base URL, e.g. http://127.0.0.1:43123 */
  origin: string;
  requests: RecordedRequest[];
  /** Behaviours for the next requests, one each, in order; afterwards the default applies. */
  enqueue(...behaviours: TBehaviour[]): void;
  close(): Promise<void>;
}

export async function startScriptedServer<TBehaviour>({
  defaultBehaviour,
  handle,
}: {
  defaultBehaviour: () => TBehaviour;
  handle: (exchange: Exchange, behaviour: TBehaviour) => Promise<void>;
}): Promise<ScriptedServer<TBehaviour>> {
  const requests: RecordedRequest[] = [];
  const queue: TBehaviour[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const closed = new Promise<{ completed: boolean }>((resolve) => {
      res.once('close', () => resolve({ completed: res.writableFinished }));
    });
    const raw = await readBody(req);
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = undefined;
    }
    const request: RecordedRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: req.headers,
      body,
      closed,
    };
    requests.push(request);
    const isOpen = () => !res.destroyed && !res.writableEnded;
    const exchange: Exchange = {
      request,
      response: res,
      sendJson(status, payload, headers = {}) {
        if (!isOpen()) return;
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(payload));
      },
      startEventStream(headers = {}) {
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache',
          connection: 'keep-alive',
          ...headers,
        });
        res.flushHeaders();
      },
      writeEvent(data, event) {
        if (!isOpen()) return false;
        res.write(`${event ? `event: ${event}\n` : ''}data: ${data}\n\n`);
        return true;
      },
      isOpen,
      wait: (ms) =>
        new Promise((resolve) => {
          const timer = setTimeout(() => {
            timers.delete(timer);
            resolve();
          }, ms);
          timers.add(timer);
        }),
      async dropConnection() {
        const socket = res.socket;
        if (!socket) return;
        for (let waited = 0; waited < 1000 && (res.writableLength > 0 || socket.writableLength > 0); waited += 10) {
          await exchange.wait(10);
        }
        await exchange.wait(20);
        socket.destroy();
      },
      untilClientLeaves: () => closed.then(() => undefined),
    };
    try {
      await handle(exchange, queue.shift() ?? defaultBehaviour());
    } catch {
      res.socket?.destroy();
    }
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    enqueue: (...behaviours) => queue.push(...behaviours),
    async close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Streams a scripted reply's pieces through `writePiece`, honouring the delay and interruption.
 * Returns 'complete' when every piece went out, otherwise what cut it short.
 */
export async function streamPieces<TUsage>(
  exchange: Exchange,
  reply: FakeReply<TUsage>,
  writePiece: (piece: string) => void,
  writeInBandError: () => void,
): Promise<'complete' | 'interrupted' | 'client-left'> {
  const pieces = reply.pieces ?? splitIntoPieces(reply.text);
  for (const [index, piece] of pieces.entries()) {
    if (reply.interrupt && index === reply.interrupt.afterPieces) {
      await interrupt(exchange, reply.interrupt.how, writeInBandError);
      return 'interrupted';
    }
    if (!exchange.isOpen()) return 'client-left';
    if (index > 0 && reply.pieceDelayMs) await exchange.wait(reply.pieceDelayMs);
    if (!exchange.isOpen()) return 'client-left';
    writePiece(piece);
  }
  if (reply.interrupt && reply.interrupt.afterPieces >= pieces.length) {
    await interrupt(exchange, reply.interrupt.how, writeInBandError);
    return 'interrupted';
  }
  return exchange.isOpen() ? 'complete' : 'client-left';
}

async function interrupt(exchange: Exchange, how: Interruption, writeInBandError: () => void) {
  if (how === 'drop') return exchange.dropConnection();
  if (how === 'stall') return exchange.untilClientLeaves();
  if (how === 'error-event') writeInBandError();
  exchange.response.end();
}

export function pieceCount<TUsage>(reply: FakeReply<TUsage>): number {
  return (reply.pieces ?? splitIntoPieces(reply.text)).length;
}
