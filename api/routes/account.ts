import { Router } from 'express';
import type { Container } from '../../core/container';
import { deleteAccount } from '../../core/services/deletion';
import { asyncHandler } from '../middleware/async-handler';
import { clearedSessionCookie, requireSession, wantsSecureCookie } from '../middleware/session';

/** `DELETE /api/auth/me {password}`: the account, its sessions and all its sites (mounted on /api/auth). */
export function accountRouter(container: Container): Router {
  const router = Router();
  const knex = container.db.knex;
  router.delete(
    '/me',
    asyncHandler(async (req, res) => {
      const session = requireSession(req);
      await deleteAccount(
        {
          knex,
          cache: container.cache,
          blobStore: container.blobStore,
          vectorStore: container.vectorStore,
          workflows: container.workflows,
          logger: container.logger,
          invalidation: container.invalidation,
        },
        { userId: session.user.id, password: req.body?.password },
      );
      res.setHeader(
        'Set-Cookie',
        clearedSessionCookie({ secure: wantsSecureCookie(req, container.config.SECURE_COOKIES) }),
      );
      res.status(204).end();
    }),
  );
  return router;
}
