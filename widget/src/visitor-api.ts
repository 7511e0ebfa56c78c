/**
 * The visitor's other two calls of the chat contract (../shared/spec/api.md): a rating of an
 * answer and a request to be contacted by a person. Both are small JSON POSTs with the site's
 * publishable key, no cookies.
 */

export interface FeedbackInput {
  /** The answer's id from the stream's `meta` event. */
  messageId: string;
  sessionId: string;
  rating: 'up' | 'down';
  comment?: string;
}

export interface ContactInput {
  sessionId: string;
  email: string;
  name?: string;
  message?: string;
}

export interface VisitorApiOptions {
  apiBase: string;
  apiKey: string;
  fetchImpl?: typeof fetch;
}

/** `{ok: true}` for the expected status; otherwise the HTTP status (null when the request never arrived) and the server's message. */
export type VisitorApiResult = { ok: true } | { ok: false; status: number | null; message: string | null };

async function post(options: VisitorApiOptions, path: string, body: object): Promise<VisitorApiResult> {
  const fetchImpl = options.fetchImpl ?? fetch;
  try {
    const response = await fetchImpl(new URL(path, options.apiBase).href, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': options.apiKey },
      body: JSON.stringify(body),
      credentials: 'omit',
    });
    if (response.ok) return { ok: true };
    let message: string | null = null;
    try {
      const parsed = (await response.json()) as { error?: { message?: unknown } };
      message = typeof parsed?.error?.message === 'string' ? parsed.error.message : null;
    } catch {
      message = null;
    }
    return { ok: false, status: response.status, message };
  } catch {
    return { ok: false, status: null, message: null };
  }
}

/** `POST /chat/feedback` → 204. A second rating of the same answer replaces the first. */
export function sendFeedback(options: VisitorApiOptions, input: FeedbackInput): Promise<VisitorApiResult> {
  const body: FeedbackInput = { messageId: input.messageId, sessionId: input.sessionId, rating: input.rating };
  if (input.comment?.trim()) body.comment = input.comment.trim().slice(0, 2000);
  return post(options, '/chat/feedback', body);
}

/** `POST /chat/contact` → 202. */
export function sendContactRequest(options: VisitorApiOptions, input: ContactInput): Promise<VisitorApiResult> {
  const body: ContactInput = { sessionId: input.sessionId, email: input.email.trim() };
  if (input.name?.trim()) body.name = input.name.trim().slice(0, 200);
  if (input.message?.trim()) body.message = input.message.trim().slice(0, 2000);
  return post(options, '/chat/contact', body);
}

/** A plausible address (one @, a dot in the domain, no spaces): the server validates for real. */
export function looksLikeEmail(value: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value.trim()) && value.trim().length <= 254;
}

/** A new session id in the contract's alphabet (`[A-Za-z0-9._:-]{1,128}`), for a contact request before any chat. */
export function newSessionId(): string {
  const cryptoApi = globalThis.crypto as Crypto | undefined;
  if (cryptoApi && typeof cryptoApi.randomUUID === 'function') return cryptoApi.randomUUID();
  return `s-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}
