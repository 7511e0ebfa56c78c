import { Router } from 'express';
import type { Container } from '../../core/container';
import { authenticateThrottled, TooManyLoginAttemptsError } from '../../core/services/login-throttle';
import { createSession, destroySession, registerUser } from '../../core/services/auth';
import { asyncHandler } from '../middleware/async-handler';
import {
  clearedSessionCookie,
  requireSession,
  sessionCookie,
  sessionToken,
  wantsSecureCookie,
} from '../middleware/session';

export function authRouter(container: Container): Router {
  const router = Router();
  const knex = container.db.knex;
  const secure = (req: Parameters<typeof wantsSecureCookie>[0]) =>
    wantsSecureCookie(req, container.config.SECURE_COOKIES);

  router.post(
    '/register',
    asyncHandler(async (req, res) => {
      const user = await registerUser(knex, req.body ?? {});
      const session = await createSession(knex, user.id, {
        replacing: sessionToken(req, container.config.SECURE_COOKIES),
      });
      res.setHeader('Set-Cookie', sessionCookie(session.token, { secure: secure(req) }));
      res.status(201).json({ user });
    }),
  );

  router.post(
    '/login',
    asyncHandler(async (req, res) => {
      let user;
      try {
        user = await authenticateThrottled(knex, container.rateLimits.login, req.body ?? {}, req.ip);
      } catch (error) {
        if (error instanceof TooManyLoginAttemptsError) res.setHeader('Retry-After', String(error.retryAfterSeconds));
        throw error;
      }
      // A new session id on every login; the one the browser held before is revoked (no fixation).
      const session = await createSession(knex, user.id, {
        replacing: sessionToken(req, container.config.SECURE_COOKIES),
      });
      res.setHeader('Set-Cookie', sessionCookie(session.token, { secure: secure(req) }));
      res.json({ user });
    }),
  );

  router.post(
    '/logout',
    asyncHandler(async (req, res) => {
      await destroySession(knex, sessionToken(req, container.config.SECURE_COOKIES));
      res.setHeader('Set-Cookie', clearedSessionCookie({ secure: secure(req) }));
      res.status(204).end();
    }),
  );

  router.get(
    '/me',
    asyncHandler(async (req, res) => {
      const session = requireSession(req);
      res.json({ user: session.user });
    }),
  );
  return router;
}
