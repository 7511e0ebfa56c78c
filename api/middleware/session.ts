import type { NextFunction, Request, Response } from 'express';
import { sessionTokenFromCookieHeader } from '../../core/http/session-cookie';
import type { Knex } from 'knex';
import { AppError } from '../../core/errors';
import { getSession, type Session } from '../../core/services/auth';

export { SESSION_COOKIE, sessionCookie, clearedSessionCookie } from '../../core/http/session-cookie';

declare module 'express-serve-static-core' {
  interface Request {
    session?: Session;
  }
}

/** `Secure` whenever the request arrived over HTTPS (directly or, with TRUST_PROXY, behind a proxy). */
export const wantsSecureCookie = (req: Request, mode: 'auto' | 'true' | 'false') =>
  mode === 'auto' ? req.secure : mode === 'true';

/** The session token this request carries, under the cookie name its security calls for (see sessionCookieName). */
export const sessionToken = (req: Request, mode: 'auto' | 'true' | 'false') =>
  sessionTokenFromCookieHeader(req.headers.cookie, { secure: wantsSecureCookie(req, mode) });

export function loadSession(knex: Knex, mode: 'auto' | 'true' | 'false') {
  return async (req: Request, _res: Response, next: NextFunction) => {
    try {
      req.session = (await getSession(knex, sessionToken(req, mode))) ?? undefined;
      next();
    } catch (error) {
      next(error);
    }
  };
}

export function requireSession(req: Request): Session {
  if (!req.session) throw new AppError({ code: 'unauthenticated', status: 401, message: 'Log in to continue.' });
  return req.session;
}

/**
 * CSRF: the session cookie is SameSite=Lax, and a state-changing request that carries a foreign
 * Origin (or Sec-Fetch-Site: cross-site) is refused. Scripts that send the cookie without an
 * Origin header still work, as the contract asks.
 */
export function rejectCrossSiteWrites({ publicUrl }: { publicUrl: string }) {
  const publicOrigin = new URL(publicUrl).origin;
  return (req: Request, _res: Response, next: NextFunction) => {
    if (['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return next();
    const origin = req.header('origin');
    const site = req.header('sec-fetch-site');
    const ownOrigin = `${req.protocol}://${req.get('host')}`;
    if (
      site === 'cross-site' ||
      (origin && origin !== 'null' && origin !== ownOrigin && origin !== publicOrigin) ||
      origin === 'null'
    ) {
      return next(
        new AppError({
          code: 'cross_site_request',
          status: 403,
          message: 'This request came from another site and was refused.',
        }),
      );
    }
    next();
  };
}
