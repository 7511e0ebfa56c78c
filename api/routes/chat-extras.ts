import express, { Router, type Request, type Response } from 'express';
import type { Container } from '../../core/container';
import { createRateLimiter, type RateLimiter } from '../../core/adapters/rate-limit/limiter';
import { AppError } from '../../core/errors';
import type { KeyedClient } from '../../core/services/clients';
import { createContact } from '../../core/services/contacts';
import { feedbackInputSchema, rateMessage } from '../../core/services/feedback';
import { asyncHandler } from '../middleware/async-handler';
import { zodMessage } from '../middleware/error-handler';
import { publicCors, requireWidgetAccess } from '../middleware/widget-access';

/** Contact requests one address may send one site per hour, and one site may receive per minute. */
export const CONTACTS_PER_ADDRESS_PER_HOUR = 10;
export const CONTACTS_PER_SITE_PER_MINUTE = 60;

/**
 * The visitor's side of closing the loop, with the same key and Origin rules as chat:
 * `POST /chat/feedback` (rate an answer) and `POST /chat/contact` (ask for a person).
 * Limited per visitor and per address like chat, not counted against the site's chat limit.
 */
export function chatExtrasRouter(
  container: Container,
  resolveApiKey: (key: string) => Promise<KeyedClient | null>,
): Router {
  const router = Router();
  const { knex } = container.db;
  // Contact requests reach the tenant's inbox and webhook, and a publishable key is public: a
  // session id costs nothing to invent, so they are also limited per address and per site.
  const contactLimits = {
    address: createRateLimiter({
      redis: container.redis,
      keyPrefix: 'rl:contact:ip',
      points: CONTACTS_PER_ADDRESS_PER_HOUR,
      durationSeconds: 3600,
    }),
    site: createRateLimiter({
      redis: container.redis,
      keyPrefix: 'rl:contact:site',
      points: CONTACTS_PER_SITE_PER_MINUTE,
      durationSeconds: 60,
    }),
  };

  async function limit(req: Request, res: Response, sessionId: string, extra: Array<[RateLimiter, string]> = []) {
    const client = req.keyedClient!;
    for (const decision of [
      await container.rateLimits.visitor.consume(`${client.clientId}:${sessionId}`),
      await container.rateLimits.ip.consume(req.ip ?? 'unknown'),
      ...(await Promise.all(extra.map(([limiter, key]) => limiter.consume(key)))),
    ]) {
      if (!decision.allowed) {
        res.setHeader('Retry-After', String(decision.retryAfterSeconds));
        throw new AppError({
          code: 'rate_limited',
          status: 429,
          message: `You are sending requests too quickly. Try again in ${decision.retryAfterSeconds} seconds.`,
        });
      }
    }
  }

  router.use(['/chat/feedback', '/chat/contact'], publicCors);
  const access = [
    express.json({ limit: '16kb' }),
    requireWidgetAccess(resolveApiKey, { publicUrl: container.config.publicUrl }),
  ];

  router.post(
    '/chat/feedback',
    access,
    asyncHandler(async (req, res) => {
      const parsed = feedbackInputSchema.safeParse(req.body ?? {});
      if (!parsed.success)
        throw new AppError({ code: 'invalid_input', status: 400, message: zodMessage(parsed.error) });
      await limit(req, res, parsed.data.sessionId);
      await rateMessage(knex, { clientId: req.keyedClient!.clientId, input: parsed.data });
      res.status(204).end();
    }),
  );

  router.post(
    '/chat/contact',
    access,
    asyncHandler(async (req, res) => {
      const sessionId = typeof req.body?.sessionId === 'string' ? req.body.sessionId : '';
      const clientId = req.keyedClient!.clientId;
      if (sessionId) {
        await limit(req, res, sessionId, [
          [contactLimits.address, `${clientId}:${req.ip ?? 'unknown'}`],
          [contactLimits.site, clientId],
        ]);
      }
      const { contact, deliver } = await createContact(knex, { clientId, input: req.body ?? {} });
      if (deliver) {
        const start = container.workflows?.startContactDelivery?.({ clientId, contactId: contact.id });
        // The request is stored either way; a delivery that cannot start is shown as failed.
        await (start ?? Promise.reject(new Error('no workflow engine'))).catch(async (error) => {
          req.log.error({ err: error, contactId: contact.id }, 'could not start webhook delivery');
          await knex('contacts')
            .where({ id: contact.id })
            .update({ webhook_status: 'failed', webhook_error: 'Delivery could not start.' });
        });
      }
      res.status(202).json({ contact: { id: contact.id, sessionId: contact.sessionId, createdAt: contact.createdAt } });
    }),
  );
  return router;
}
