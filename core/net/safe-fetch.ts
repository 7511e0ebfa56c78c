import { Agent, request, type Dispatcher } from 'undici';
import ipaddr from 'ipaddr.js';
import { guardedLookup, isPublicAddress, type NetworkPolicy } from './address-policy';

/**
 * Why a fetch produced no response a caller can use. `code` is stable and shown per page:
 * `blocked_address` (SSRF guard), `redirect_off_site`, `too_many_redirects`, `timeout`,
 * `dns_failed`, `fetch_failed`, or whatever `beforeRequest` refused with (e.g. `robots`).
 */
export class FetchRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly url: string,
  ) {
    super(message);
    this.name = 'FetchRefused';
  }
}

export interface SafeResponse {
  /** The URL that answered (after same-host redirects). */
  url: string;
  status: number;
  headers: Record<string, string>;
  /** The body when `readBody` asked for it; at most `maxBytes`. */
  body: Buffer | null;
  /** True when the body (or its Content-Length) went past `maxBytes`; `body` is then null. */
  tooLarge: boolean;
  redirects: string[];
}

export interface SafeFetchOptions {
  url: string;
  policy: NetworkPolicy;
  userAgent: string;
  headers?: Record<string, string>;
  /** Per request (one hop: headers and body), in ms. */
  timeoutMs: number;
  /** Body cap in bytes; reading stops there. */
  maxBytes: number;
  maxRedirects?: number;
  /** Called before every request (the first and each redirect hop): politeness delay, robots.txt. Throw FetchRefused to stop. */
  beforeRequest?: (url: URL) => Promise<void>;
  /** Whether to read the body of this response (e.g. only 200 text/html). Default: 2xx. */
  readBody?: (status: number, headers: Record<string, string>) => boolean;
}

// One connection pool per policy object; its connections resolve through the guard.
const agents = new WeakMap<NetworkPolicy, Agent>();
function agentFor(policy: NetworkPolicy): Dispatcher {
  let agent = agents.get(policy);
  if (!agent) {
    agent = new Agent({ connect: { lookup: guardedLookup(policy) as never }, keepAliveTimeout: 4000 });
    agents.set(policy, agent);
  }
  return agent;
}

const host = (url: URL) => url.hostname.replace(/^\[|\]$/g, '');

/**
 * GET with server-side request forgery guarded at every hop: only http(s); address literals and
 * every resolved address must be public (unless `policy.allowPrivate`), checked at connect time
 * with the connection made to the checked address; redirects followed by hand, on the same host
 * only (the scheme may change), each hop checked again; a timeout per hop; the body read only
 * up to `maxBytes`. Resolves with the final response, or rejects with FetchRefused.
 */
export async function safeFetch(options: SafeFetchOptions): Promise<SafeResponse> {
  const { policy, maxRedirects = 5 } = options;
  const dispatcher = agentFor(policy);
  const redirects: string[] = [];
  let url = new URL(options.url);
  const startHost = url.host.replace(/:(80|443)$/, '');
  for (let hop = 0; ; hop++) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new FetchRefused('fetch_failed', `Only http(s) addresses can be fetched (${url.protocol}).`, url.href);
    if (!policy.allowPrivate && ipaddr.isValid(host(url)) && !(policy.isPublicAddress ?? isPublicAddress)(host(url))) {
      throw new FetchRefused(
        'blocked_address',
        `${url.origin} is a private, loopback, link-local or metadata address; it was not requested.`,
        url.href,
      );
    }
    await options.beforeRequest?.(url);
    const signal = AbortSignal.timeout(options.timeoutMs);
    let response: Dispatcher.ResponseData;
    try {
      response = await request(url, {
        dispatcher,
        method: 'GET',
        headers: {
          'user-agent': options.userAgent,
          accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.5',
          ...options.headers,
        },
        signal,
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
      });
    } catch (error) {
      throw toRefusal(error, url, signal);
    }
    const headers = flatHeaders(response.headers);
    const location = headers.location;
    if (response.statusCode >= 300 && response.statusCode < 400 && location) {
      discard(response.body);
      if (hop >= maxRedirects)
        throw new FetchRefused(
          'too_many_redirects',
          `More than ${maxRedirects} redirects from ${options.url}.`,
          url.href,
        );
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        throw new FetchRefused(
          'fetch_failed',
          `The page redirects to an invalid address (${location.slice(0, 200)}).`,
          url.href,
        );
      }
      next.hash = '';
      // A redirect to a private address literal is refused as such, wherever it points.
      if (
        !policy.allowPrivate &&
        ipaddr.isValid(host(next)) &&
        !(policy.isPublicAddress ?? isPublicAddress)(host(next))
      ) {
        throw new FetchRefused(
          'blocked_address',
          `The page redirects to ${next.origin}, a private, loopback, link-local or metadata address; it was not requested.`,
          next.href,
        );
      }
      if (next.host.replace(/:(80|443)$/, '') !== startHost) {
        throw new FetchRefused(
          'redirect_off_site',
          `The page redirects to another site (${next.origin}), which is not followed.`,
          next.href,
        );
      }
      redirects.push(next.href);
      url = next;
      continue;
    }
    const wanted = (options.readBody ?? ((status) => status >= 200 && status < 300))(response.statusCode, headers);
    const declared = Number(headers['content-length']);
    if (!wanted || (Number.isFinite(declared) && declared > options.maxBytes)) {
      discard(response.body);
      return { url: url.href, status: response.statusCode, headers, body: null, tooLarge: wanted, redirects };
    }
    try {
      const body = await readCapped(response.body, options.maxBytes);
      return { url: url.href, status: response.statusCode, headers, body, tooLarge: body === null, redirects };
    } catch (error) {
      throw toRefusal(error, url, signal);
    }
  }
}

/** Reads a body up to `maxBytes`; past it, stops reading and resolves null. */
async function readCapped(body: Dispatcher.ResponseData['body'], maxBytes: number): Promise<Buffer | null> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).byteLength;
    if (size > maxBytes) {
      discard(body);
      return null;
    }
    parts.push(chunk as Buffer);
  }
  return Buffer.concat(parts);
}

/** Stops reading a body; the abort it causes is expected, not an error to report. */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}

function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers))
    if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  return flat;
}

function toRefusal(error: unknown, url: URL, signal?: AbortSignal): FetchRefused {
  const chain: Array<{ code?: string; name?: string; message?: string }> = [];
  for (
    let cause = error as { cause?: unknown } | undefined, depth = 0;
    cause && depth < 5;
    cause = cause.cause as never, depth++
  )
    chain.push(cause as never);
  const codes = chain.flatMap((entry) => [entry.code ?? '', entry.name ?? '']);
  if (signal?.aborted) return new FetchRefused('timeout', `${url.href} did not answer in time.`, url.href);
  if (codes.includes('EBLOCKEDADDRESS'))
    return new FetchRefused(
      'blocked_address',
      `${url.host} resolves to a private, loopback, link-local or metadata address; it was not requested.`,
      url.href,
    );
  if (
    codes.some((code) =>
      [
        'TimeoutError',
        'AbortError',
        'UND_ERR_HEADERS_TIMEOUT',
        'UND_ERR_BODY_TIMEOUT',
        'UND_ERR_CONNECT_TIMEOUT',
      ].includes(code),
    )
  ) {
    return new FetchRefused('timeout', `${url.href} did not answer in time.`, url.href);
  }
  if (codes.some((code) => code === 'ENOTFOUND' || code === 'EAI_AGAIN'))
    return new FetchRefused('dns_failed', `The name ${url.hostname} could not be resolved.`, url.href);
  return new FetchRefused(
    'fetch_failed',
    `${url.origin} could not be reached (${codes.find(Boolean) ?? 'network error'}).`,
    url.href,
  );
}
