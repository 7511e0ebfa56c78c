import { Router } from 'express';
import type { Container } from '../../core/container';
import { AppError } from '../../core/errors';
import { authenticate, createSession, destroySession, registerUser } from '../../core/services/auth';
import { asyncHandler } from '../middleware/async-handler';
import { clearedSessionCookie, requireSession, sessionCookie, sessionToken, wantsSecureCookie } from '../middleware/session';

export function authRouter(container: Container): Router {
  const router = Router();
  const knex = container.db.knex;
  const secure = (req: Parameters<typeof wantsSecureCookie>[0]) => wantsSecureCookie(req, container.config.SECURE_COOKIES);

  router.post(
    '/register',
    asyncHandler(async (req, res) => {
      const user = await registerUser(knex, req.body ?? {});
      const session = await createSession(knex, user.id);
      res.setHeader('Set-Cookie', sessionCookie(session.token, { secure: secure(req) }));
      res.status(201).json({ user });
    }),
  );

  router.post(
    '/login',
    asyncHandler(async (req, res) => {
      const email = typeof req.body?.email === 'string' ? req.body.email.trim().toLowerCase() : '';
      // Failed attempts are throttled per account and per address, so guessing is slow either way;
      // successful logins cost nothing.
      const keys = [`email:${email}`, `ip:${req.ip}`];
      for (const key of keys) {
        const decision = await container.rateLimits.login.check(key);
        if (!decision.allowed) {
          res.setHeader('Retry-After', String(decision.retryAfterSeconds));
          throw new AppError({
            code: 'too_many_attempts',
            status: 429,
            message: `Too many login attempts. Try again in ${Math.ceil(decision.retryAfterSeconds / 60)} minutes.`,
          });
        }
      }
      let user;
      try {
        user = await authenticate(knex, req.body ?? {});
      } catch (error) {
        await Promise.all(keys.map((key) => container.rateLimits.login.consume(key)));
        throw error;
      }
      const session = await createSession(knex, user.id);
      res.setHeader('Set-Cookie', sessionCookie(session.token, { secure: secure(req) }));
      res.json({ user });
    }),
  );

  router.post(
    '/logout',
    asyncHandler(async (req, res) => {
      await destroySession(knex, sessionToken(req));
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
