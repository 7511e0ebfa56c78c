import { Router, type Request } from 'express';
import type { Container } from '../../core/container';
import { AppError } from '../../core/errors';
import { getClientForOwner } from '../../core/services/clients';
import {
  createSource,
  deleteSource,
  getSource,
  listSourcePages,
  listSources,
  recrawlSource,
  sourceOwner,
  updateSource,
  type SourceDeps,
} from '../../core/services/sources';
import { asyncHandler } from '../middleware/async-handler';
import { requireSession } from '../middleware/session';
import { requireClientIdQuery } from './query';

/** Website sources (contract: "Website sources"): pages, sitemaps and crawls a site learns from. Mounted under /api/dashboard. */
export function sourcesRouter(container: Container): Router {
  const router = Router();
  const knex = container.db.knex;
  const deps = (): SourceDeps => ({
    knex,
    blobStore: container.blobStore,
    vectorStore: container.vectorStore,
    cache: container.cache,
    network: container.network,
    workflows: container.workflows,
    crawls: container.crawls,
    logger: container.logger,
  });
  const ownedClientId = async (req: Request, clientId: unknown) =>
    (await getClientForOwner(knex, { ownerId: requireSession(req).user.id, clientId })).id;
  const owner = (req: Request) =>
    sourceOwner(knex, { sourceId: req.params.sourceId, ownerId: requireSession(req).user.id });

  router.post(
    '/sources',
    asyncHandler(async (req, res) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (typeof body.clientId !== 'string' || !body.clientId)
        throw new AppError({
          code: 'invalid_input',
          status: 400,
          message: 'Say which site the source is for (clientId).',
        });
      const clientId = await ownedClientId(req, body.clientId);
      const { clientId: _clientId, ...input } = body;
      res.status(202).json({ source: await createSource(deps(), { clientId, input }) });
    }),
  );
  router.get(
    '/sources',
    asyncHandler(async (req, res) => {
      res.json({ sources: await listSources(knex, { clientId: await ownedClientId(req, requireClientIdQuery(req)) }) });
    }),
  );
  router.get(
    '/sources/:sourceId',
    asyncHandler(async (req, res) => {
      res.json({ source: await getSource(deps(), { clientId: await owner(req), sourceId: req.params.sourceId }) });
    }),
  );
  router.patch(
    '/sources/:sourceId',
    asyncHandler(async (req, res) => {
      res.json({
        source: await updateSource(deps(), {
          clientId: await owner(req),
          sourceId: req.params.sourceId,
          input: req.body,
        }),
      });
    }),
  );
  router.get(
    '/sources/:sourceId/pages',
    asyncHandler(async (req, res) => {
      res.json({ pages: await listSourcePages(knex, { clientId: await owner(req), sourceId: req.params.sourceId }) });
    }),
  );
  router.post(
    '/sources/:sourceId/recrawl',
    asyncHandler(async (req, res) => {
      res
        .status(202)
        .json({ source: await recrawlSource(deps(), { clientId: await owner(req), sourceId: req.params.sourceId }) });
    }),
  );
  router.delete(
    '/sources/:sourceId',
    asyncHandler(async (req, res) => {
      await deleteSource(deps(), { clientId: await owner(req), sourceId: req.params.sourceId });
      res.status(204).end();
    }),
  );

  return router;
}
