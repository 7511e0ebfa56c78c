import { parse as parseCookies, serialize } from 'cookie';
import { SESSION_TTL_DAYS } from '../services/auth';

/** The dashboard session cookie, shared by the Express API and the Remix loaders/actions. */
export const SESSION_COOKIE = 'cc_session';

export const sessionTokenFromCookieHeader = (cookieHeader: string | null | undefined) => parseCookies(cookieHeader ?? '')[SESSION_COOKIE];

export function sessionCookie(token: string, { secure }: { secure: boolean }): string {
  return serialize(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: SESSION_TTL_DAYS * 24 * 3600 });
}

export const clearedSessionCookie = ({ secure }: { secure: boolean }) =>
  serialize(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: 0 });
