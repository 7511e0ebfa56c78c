import { createHmac, randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import { AppError } from '../errors';

/**
 * Outgoing webhooks of a site (its `webhookUrl`): one signed POST per visitor contact request.
 *
 * Signature (contract, ../shared/spec/api.md): `x-chatconnect-signature: sha256=<hex>` where hex is
 * the HMAC-SHA256 (RFC 2104) of the exact raw body bytes keyed with the site's `webhookSecret`.
 * Receivers recompute it over the body they read and compare in constant time.
 */

export const SIGNATURE_HEADER = 'x-chatconnect-signature';

/** `whsec_` + 32 random bytes, base64url: the HMAC key shown to the site's owner. */
export const generateWebhookSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

/** `sha256=<hex HMAC-SHA256(secret, body)>`. */
export function signWebhookBody(body: string | Buffer, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

const invalidUrl = (message: string) => new AppError({ code: 'invalid_webhook_url', status: 400, message });

/**
 * Validates a webhook URL as typed by the owner and returns it normalised. Without
 * `allowPrivateUrls` only `https:` is accepted and hosts that are IP literals of loopback,
 * private, link-local or other non-public ranges (or `localhost`) are refused; with it (the
 * operator's `ALLOW_PRIVATE_URLS=true`), `http:` and any address are fine.
 * @throws AppError 400 `invalid_webhook_url`
 */
export function checkWebhookUrl(value: string, { allowPrivateUrls }: { allowPrivateUrls: boolean }): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidUrl(
      'The webhook URL is not a valid URL. Use the full address, e.g. https://example.com/hooks/chatconnect.',
    );
  }
  if (url.username || url.password)
    throw invalidUrl('Put no user name or password in the webhook URL; verify requests with the signature instead.');
  if (allowPrivateUrls) {
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw invalidUrl('The webhook URL must start with https:// or http://.');
    return url.toString();
  }
  if (url.protocol !== 'https:') throw invalidUrl('The webhook URL must start with https://.');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost') || (ipaddr.isValid(host) && !isPublicAddress(host))) {
    throw invalidUrl('The webhook URL points to a private or local address. Use a public https:// address.');
  }
  return url.toString();
}

/** True for unicast addresses routable on the internet (ipaddr.js range `unicast`, IPv4-mapped IPv6 unwrapped). */
export function isPublicAddress(address: string): boolean {
  try {
    return ipaddr.process(address).range() === 'unicast';
  } catch {
    return false;
  }
}

/**
 * Refuses a delivery whose host resolves to a non-public address (DNS may change after the URL was
 * saved). Skipped when private URLs are allowed.
 * @throws AppError `webhook_address_refused` (not retryable)
 */
export async function assertDeliverableHost(
  url: string,
  { allowPrivateUrls }: { allowPrivateUrls: boolean },
): Promise<void> {
  if (allowPrivateUrls) return;
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  const addresses = ipaddr.isValid(host) ? [{ address: host }] : await lookup(host, { all: true });
  if (addresses.some(({ address }) => !isPublicAddress(address))) {
    throw new AppError({
      code: 'webhook_address_refused',
      status: 400,
      message: 'The webhook host resolves to a private or local address.',
    });
  }
}

export interface WebhookAttempt {
  ok: boolean;
  status?: number;
  error?: string;
}

/**
 * One POST of `body` (the exact bytes signed) to `url` with the signature, a 10 s timeout and no
 * redirects (a redirect could lead a signed body elsewhere). 2xx is delivered; anything else is a
 * failed attempt the caller may retry.
 */
export async function postWebhook({
  url,
  body,
  secret,
  event,
}: {
  url: string;
  body: string;
  secret: string;
  event: string;
}): Promise<WebhookAttempt> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'ChatConnect-Webhook/1.0',
        'x-chatconnect-event': event,
        [SIGNATURE_HEADER]: signWebhookBody(body, secret),
      },
      body,
    });
    await response.body?.cancel().catch(() => undefined);
    return response.ok
      ? { ok: true, status: response.status }
      : { ok: false, status: response.status, error: `HTTP ${response.status}` };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { ok: false, error: cause ?? (error as Error).name ?? 'network error' };
  }
}
