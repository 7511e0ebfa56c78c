/**
 * A stand-in for the ChatConnect API, speaking the public widget contract, for developing and
 * testing the widget without the real stack. It serves the built files exactly as the API must
 * (cache headers, ETag, CORS, CSP on the demo page), so it doubles as the reference for that.
 *
 *   npm run build:widget && npx tsx widget/dev/fake-backend.ts [--api-port=5185] [--site-port=5186]
 *
 * starts the fake API on http://127.0.0.1:5185 and a sample customer site on http://localhost:5186.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ChatSource, WidgetConfig } from '../src/types';
import { startSampleSite } from './sample-site';
import { closer, listen } from './servers';

export { startSampleSite, strictSiteCsp, type SampleSiteOptions } from './sample-site';

const WIDGET_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const FAKE_API_KEY = 'pk_test_fake_backend_key';
export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';
export const LOADER_CACHE = 'public, max-age=300, must-revalidate';
/** The demo page carries no inline script or style, so it runs under this strict policy. */
export const DEMO_PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' https: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

export interface FakeAnswer {
  tokens: string[];
  sources: ChatSource[];
}

export interface RecordedRequest {
  method: string;
  path: string;
  origin: string | null;
  apiKey: string | null;
  body: unknown;
}

export interface FakeBackendOptions {
  host?: string;
  port?: number;
  distDir?: string;
  apiKeys?: string[];
  /** Origins allowed to call the API from a browser; '*' allows any. */
  allowedOrigins?: string[] | '*';
  widgetConfig?: Partial<WidgetConfig>;
  answer?: (message: string) => FakeAnswer;
  tokenDelayMs?: number;
  /** Chat requests per key before every further one answers 429. */
  rateLimitAfter?: number;
  retryAfterSeconds?: number;
  /** `grounded` in the `done` event; default: false for messages containing `trigger-ungrounded`, else true. */
  grounded?: (message: string) => boolean;
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export interface FakeBackend extends RunningServer {
  requests: RecordedRequest[];
  /** Ratings as the contract stores them: one per message (a second replaces the first). */
  feedback: Map<string, { sessionId: string; rating: 'up' | 'down'; comment: string | null }>;
  contacts: Array<{ sessionId: string; email: string; name: string | null; message: string | null }>;
}

export const DEFAULT_FAKE_CONFIG: WidgetConfig = {
  title: 'Northwind Help',
  greeting: 'Hi there! 👋 Ask me anything about our gear, orders or returns.',
  primaryColor: '#166534',
  position: 'bottom-right',
  placeholder: 'Ask about sizing, shipping, returns…',
  starterPrompts: ['What is your return policy?', 'How do I waterproof my jacket?'],
  avatarUrl: null,
  showSources: true,
  locale: 'auto',
  contactEnabled: true,
};

/** A canned answer that exercises the renderer: paragraphs, bold, a list, code, a link and citations. */
export function defaultAnswer(message: string): FakeAnswer {
  const text = [
    `You asked: *${message}*. Here is what our guides say.\n\n`,
    'You can return **any unused item within 60 days** for a full refund [1]. ',
    'Worn items are covered by the warranty instead [2].\n\n',
    'To start a return:\n\n',
    '1. Open your order page\n',
    '2. Choose **Return an item** and print the label\n',
    '3. Drop the parcel at any post office\n\n',
    'Your return code looks like `RMA-2024-0042`. More details are on ',
    '[our returns page](https://example.com/returns).',
  ].join('');
  const tokens = text.match(/\S+\s*|\s+/g) ?? [text];
  return {
    tokens,
    sources: [
      {
        documentId: '0b8f3c9e-1d2a-4c1e-9f53-6a2b7d9e0001',
        filename: 'returns-policy.pdf',
        chunkIndex: 3,
        score: 0.91,
        snippet: 'Unused items can be returned within 60 days of delivery for a full refund.',
        page: 2,
      },
      {
        documentId: '0b8f3c9e-1d2a-4c1e-9f53-6a2b7d9e0002',
        filename: 'warranty.docx',
        chunkIndex: 0,
        score: 0.84,
        snippet: 'Our lifetime warranty covers manufacturing defects on worn gear.',
      },
    ],
  };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => resolve(body));
    request.on('error', reject);
  });
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  response.end(JSON.stringify(body));
}

function sendError(
  response: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(response, status, { error: { code, message } }, headers);
}

function etagOf(content: Buffer): string {
  return `"${createHash('sha1').update(content).digest('base64url')}"`;
}

async function serveFile(
  request: IncomingMessage,
  response: ServerResponse,
  file: string,
  headers: Record<string, string>,
): Promise<void> {
  const content = await readFile(file);
  const etag = etagOf(content);
  if (request.headers['if-none-match'] === etag) {
    response.writeHead(304, { etag, ...headers });
    response.end();
    return;
  }
  response.writeHead(200, {
    etag,
    'content-length': String(content.length),
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  response.end(request.method === 'HEAD' ? undefined : content);
}

/** The contract's session id alphabet. */
const SESSION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function startFakeBackend(options: FakeBackendOptions = {}): Promise<FakeBackend> {
  const distDir = options.distDir ?? path.join(WIDGET_DIR, 'dist');
  if (!existsSync(path.join(distDir, 'widget.js')))
    throw new Error(`${distDir}/widget.js is missing: run npm run build:widget first`);
  const apiKeys = new Set(options.apiKeys ?? [FAKE_API_KEY]);
  const allowed = options.allowedOrigins ?? '*';
  const config = { ...DEFAULT_FAKE_CONFIG, ...options.widgetConfig };
  const answer = options.answer ?? defaultAnswer;
  const tokenDelayMs = options.tokenDelayMs ?? 25;
  const chatCounts = new Map<string, number>();
  const requests: RecordedRequest[] = [];

  const originAllowed = (origin: string | null): boolean =>
    origin === null || allowed === '*' || allowed.includes(origin);
  // Reflects the caller's origin even on 401/403 so the widget can read the status and warn the site owner.
  const corsHeaders = (origin: string | null): Record<string, string> =>
    origin
      ? { 'access-control-allow-origin': origin, 'access-control-expose-headers': 'Retry-After', vary: 'Origin' }
      : {};

  const feedback: FakeBackend['feedback'] = new Map();
  const contacts: FakeBackend['contacts'] = [];
  const messageSessions = new Map<string, string>();

  /** `POST /chat/feedback` (204) and `POST /chat/contact` (202), validated as ../shared/spec/api.md describes. */
  const handleFollowup = (
    pathname: string,
    body: unknown,
    response: ServerResponse,
    cors: Record<string, string>,
  ): void => {
    const input = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
    const sessionId = typeof input.sessionId === 'string' && SESSION_ID.test(input.sessionId) ? input.sessionId : null;
    const optionalText = (value: unknown, max: number): string | null | false =>
      value === undefined || value === null
        ? null
        : typeof value === 'string' && value.length <= max
          ? value.trim() || null
          : false;
    if (!sessionId) {
      sendError(response, 400, 'invalid_input', 'sessionId must be 1-128 letters, digits or ._:-', cors);
      return;
    }
    if (pathname === '/chat/feedback') {
      const comment = optionalText(input.comment, 2000);
      if (
        typeof input.messageId !== 'string' ||
        (input.rating !== 'up' && input.rating !== 'down') ||
        comment === false
      ) {
        sendError(
          response,
          400,
          'invalid_input',
          'Send messageId, sessionId, rating "up" or "down" and an optional comment.',
          cors,
        );
        return;
      }
      if (messageSessions.get(input.messageId) !== sessionId) {
        sendError(response, 404, 'not_found', 'No such message in this session.', cors);
        return;
      }
      feedback.set(input.messageId, { sessionId, rating: input.rating, comment });
      response.writeHead(204, cors).end();
      return;
    }
    const name = optionalText(input.name, 200);
    const message = optionalText(input.message, 2000);
    if (
      typeof input.email !== 'string' ||
      !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(input.email.trim()) ||
      name === false ||
      message === false
    ) {
      sendError(response, 400, 'invalid_input', 'Enter a valid email address.', cors);
      return;
    }
    contacts.push({ sessionId, email: input.email.trim(), name, message });
    sendJson(response, 202, { status: 'accepted' }, cors);
  };

  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://fake.invalid');
      const origin = typeof request.headers.origin === 'string' ? request.headers.origin : null;
      const apiKey = typeof request.headers['x-api-key'] === 'string' ? request.headers['x-api-key'] : null;
      const isApi = ['/api/widget/config', '/chat/stream', '/chat/feedback', '/chat/contact'].includes(url.pathname);

      if (request.method === 'OPTIONS' && isApi) {
        // A preflight carries no key, so it cannot be judged against a client's allowed domains:
        // it is allowed for any origin and the real request is judged (and answered 403) instead.
        requests.push({ method: 'OPTIONS', path: url.pathname, origin, apiKey, body: null });
        response.writeHead(204, {
          ...corsHeaders(origin),
          'access-control-allow-methods': 'GET, POST',
          'access-control-allow-headers': 'content-type, x-api-key',
          'access-control-max-age': '600',
        });
        response.end();
        return;
      }

      const isRead = request.method === 'GET' || request.method === 'HEAD';
      if (isRead && url.pathname === '/widget.js') {
        await serveFile(request, response, path.join(distDir, 'widget.js'), {
          'content-type': 'text/javascript; charset=utf-8',
          'cache-control': LOADER_CACHE,
        });
        return;
      }
      if (isRead && url.pathname === '/widget/demo') {
        await serveFile(request, response, path.join(distDir, 'demo.html'), {
          'content-type': 'text/html; charset=utf-8',
          'cache-control': 'no-cache',
          'content-security-policy': DEMO_PAGE_CSP,
        });
        return;
      }
      const asset = /^\/widget\/([\w-]+\.(js|css))$/.exec(url.pathname);
      if (isRead && asset && existsSync(path.join(distDir, 'assets', asset[1]))) {
        const type = asset[2] === 'js' ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8';
        await serveFile(request, response, path.join(distDir, 'assets', asset[1]), {
          'content-type': type,
          'cache-control': IMMUTABLE_CACHE,
        });
        return;
      }

      if (!isApi) {
        sendError(response, 404, 'not_found', 'Nothing here.');
        return;
      }
      const rawBody = request.method === 'POST' ? await readBody(request) : '';
      let body: unknown = null;
      try {
        body = rawBody ? JSON.parse(rawBody) : null;
      } catch {
        body = rawBody;
      }
      requests.push({ method: request.method ?? 'GET', path: url.pathname, origin, apiKey, body });
      const cors = corsHeaders(origin);
      if (!apiKey || !apiKeys.has(apiKey)) {
        sendError(response, 401, 'invalid_api_key', 'The API key is missing or unknown.', cors);
        return;
      }
      if (!originAllowed(origin)) {
        sendError(response, 403, 'origin_not_allowed', 'This website is not allowed to use this API key.', cors);
        return;
      }

      if (url.pathname === '/api/widget/config' && request.method === 'GET') {
        sendJson(response, 200, { widget: config }, cors);
        return;
      }
      if (request.method === 'POST' && (url.pathname === '/chat/feedback' || url.pathname === '/chat/contact')) {
        handleFollowup(url.pathname, body, response, cors);
        return;
      }
      if (url.pathname !== '/chat/stream' || request.method !== 'POST') {
        sendError(response, 405, 'method_not_allowed', 'Use POST.', cors);
        return;
      }

      const count = (chatCounts.get(apiKey) ?? 0) + 1;
      chatCounts.set(apiKey, count);
      if (options.rateLimitAfter !== undefined && count > options.rateLimitAfter) {
        sendError(response, 429, 'rate_limited', 'Too many requests.', {
          ...cors,
          'retry-after': String(options.retryAfterSeconds ?? 30),
        });
        return;
      }
      const message =
        body && typeof body === 'object' && typeof (body as { message?: unknown }).message === 'string'
          ? (body as { message: string }).message.trim()
          : '';
      if (!message || message.length > 2000) {
        sendError(response, 400, 'invalid_input', 'The message must be between 1 and 2000 characters.', cors);
        return;
      }
      if (message.includes('trigger-server-error')) {
        sendError(response, 500, 'internal_error', 'Something went wrong.', cors);
        return;
      }

      const requestedSession = (body as { sessionId?: unknown }).sessionId;
      const sessionId = typeof requestedSession === 'string' ? requestedSession : `sess-${Date.now().toString(36)}`;
      let aborted = false;
      response.on('close', () => {
        aborted = true;
      });
      response.writeHead(200, {
        ...cors,
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      const write = (event: string, data: unknown): void => {
        response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      response.write(': heartbeat\n\n');
      const messageId = `msg-${count}`;
      messageSessions.set(messageId, sessionId);
      write('meta', { sessionId, messageId });
      const grounded = options.grounded ? options.grounded(message) : !message.includes('trigger-ungrounded');
      // A declined answer says so plainly and cites nothing, as the contract's grounded: false does.
      const { tokens, sources } = grounded
        ? answer(message)
        : { tokens: ['I could not find ', 'that in ', 'this site’s documents.'], sources: [] };
      for (const text of tokens) {
        if (aborted) return;
        write('token', { text });
        await sleep(tokenDelayMs);
      }
      if (message.includes('trigger-stream-error')) {
        write('error', {
          code: 'llm_unavailable',
          message: 'The assistant is unavailable right now. Please try again in a minute.',
        });
        response.end();
        return;
      }
      write('sources', { sources });
      write('done', { usage: { model: 'fake-model', tokensIn: message.length, tokensOut: tokens.length }, grounded });
      response.end();
    })().catch((error: unknown) => {
      console.error(error);
      if (!response.headersSent) sendError(response, 500, 'internal_error', 'Something went wrong.');
      else response.end();
    });
  });

  const url = await listen(server, options.host ?? '127.0.0.1', options.port ?? 0);
  return { url, requests, feedback, contacts, close: closer(server) };
}

function portArgument(name: string, fallback: number): number {
  const match = process.argv.find((argument) => argument.startsWith(`--${name}=`));
  const port = match ? Number.parseInt(match.slice(name.length + 3), 10) : fallback;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--${name} must be a port number`);
  return port;
}

async function main(): Promise<void> {
  const backend = await startFakeBackend({ host: '127.0.0.1', port: portArgument('api-port', 5185) });
  const site = await startSampleSite({
    host: 'localhost',
    port: portArgument('site-port', 5186),
    widgetOrigin: backend.url,
    apiKey: FAKE_API_KEY,
  });
  console.log(`fake API:     ${backend.url}  (key ${FAKE_API_KEY})`);
  console.log(`sample site:  ${site.url}`);
  console.log(`demo page:    ${backend.url}/widget/demo?key=${FAKE_API_KEY}`);
  console.log(`preview mode: ${backend.url}/widget/demo?primaryColor=%23db2777&title=Preview`);
  const stop = (): void => {
    void Promise.all([backend.close(), site.close()]).then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
