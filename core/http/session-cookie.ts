import { parse as parseCookies, serialize } from 'cookie';
import { SESSION_TTL_DAYS } from '../services/auth';

/** The dashboard session cookie over plain HTTP (local use, the contract's checks), shared by the Express API and the Remix loaders/actions. */
export const SESSION_COOKIE = 'cc_session';
/**
 * Its name over HTTPS: the `__Host-` prefix makes the browser insist on `Secure`, `Path=/` and no
 * `Domain`, so a sibling subdomain can neither set nor overwrite it (no session fixation by cookie tossing).
 */
export const SECURE_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;

/** The one name in use for a request: `__Host-cc_session` when cookies are `Secure`, else `cc_session`; the other is ignored. */
export const sessionCookieName = (secure: boolean) => (secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE);

export const sessionTokenFromCookieHeader = (
  cookieHeader: string | null | undefined,
  { secure }: { secure: boolean },
) => parseCookies(cookieHeader ?? '')[sessionCookieName(secure)];

export function sessionCookie(token: string, { secure }: { secure: boolean }): string {
  return serialize(sessionCookieName(secure), token, {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/',
    maxAge: SESSION_TTL_DAYS * 24 * 3600,
  });
}

export const clearedSessionCookie = ({ secure }: { secure: boolean }) =>
  serialize(sessionCookieName(secure), '', { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: 0 });
