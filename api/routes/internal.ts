import { timingSafeEqual } from 'node:crypto';
import { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Container } from '../../core/container';
import { AppError } from '../../core/errors';
import { isUuid } from '../../core/services/clients';
import { listSitesForOperator, setSiteTier } from '../../core/services/plans';
import { asyncHandler } from '../middleware/async-handler';

const tierSchema = z.object({ tier: z.enum(['free', 'paid']) });
const embedSchema = z.object({ texts: z.array(z.string().min(1).max(20_000)).min(1).max(256) });

/** The original design's internal calls (docs/architecture.md, "The original design"), for operators' scripts and other processes; absent when INTERNAL_API_SECRET is unset. */
export function internalRouter(container: Container): Router | null {
  const secret = container.config.INTERNAL_API_SECRET;
  if (!secret) return null;
  const router = Router();
  const expected = Buffer.from(secret);
  router.use((req: Request, _res: Response, next: NextFunction) => {
    const given = Buffer.from(req.header('x-internal-secret') ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      next(
        new AppError({
          code: 'unauthenticated',
          status: 401,
          message: 'Send the internal secret in x-internal-secret.',
        }),
      );
      return;
    }
    next();
  });
  const findClient = (clientId: unknown) =>
    isUuid(clientId)
      ? container.db.knex('clients').where({ id: clientId }).whereNull('deleted_at').first()
      : Promise.resolve(undefined);

  router.post(
    '/validate-client',
    asyncHandler(async (req, res) => {
      const client = await findClient(req.body?.clientId);
      res.json(client ? { valid: true, tier: client.tier } : { valid: false, tier: null });
    }),
  );
  router.get(
    '/client/:clientId/config',
    asyncHandler(async (req, res) => {
      const client = await findClient(req.params.clientId);
      if (!client) throw new AppError({ code: 'not_found', status: 404, message: 'No such client.' });
      const { model } = container.llm.choose({
        tier: client.tier,
        llmProvider: client.llm_provider,
        llmModel: client.llm_model,
      });
      res.json({ clientId: client.id, tier: client.tier, model, embeddingModel: container.embedder.model });
    }),
  );
  // Plans are the operator's decision (README "Plans"): list sites with pending upgrade requests, set a tier.
  router.get(
    '/sites',
    asyncHandler(async (req, res) => {
      res.json({ sites: await listSitesForOperator(container.db.knex, { pendingOnly: req.query.pending === 'true' }) });
    }),
  );
  router.put(
    '/client/:clientId/tier',
    asyncHandler(async (req, res) => {
      const { tier } = tierSchema.parse(req.body ?? {});
      const result = await setSiteTier(container.db.knex, { clientId: req.params.clientId, tier });
      res.json({ clientId: result.id, tier: result.tier, previousTier: result.previousTier });
    }),
  );
  router.post(
    '/embed',
    asyncHandler(async (req, res) => {
      const { texts } = embedSchema.parse(req.body ?? {});
      const vectors = await container.embedder.embed(texts);
      res.json({ model: container.embedder.model, dimensions: container.embedder.dimensions, vectors });
    }),
  );
  return router;
}
