import express, { Router, type Request, type Response } from 'express';
import type { Container } from '../../core/container';
import { AppError } from '../../core/errors';
import type { KeyedClient } from '../../core/services/clients';
import { createContact } from '../../core/services/contacts';
import { feedbackInputSchema, rateMessage } from '../../core/services/feedback';
import { asyncHandler } from '../middleware/async-handler';
import { zodMessage } from '../middleware/error-handler';
import { publicCors, requireWidgetAccess } from '../middleware/widget-access';

/**
 * The visitor's side of closing the loop, with the same key and Origin rules as chat:
 * `POST /chat/feedback` (rate an answer) and `POST /chat/contact` (ask for a person).
 * Limited per visitor and per address like chat, not counted against the site's chat limit.
 */
export function chatExtrasRouter(container: Container, resolveApiKey: (key: string) => Promise<KeyedClient | null>): Router {
  const router = Router();
  const { knex } = container.db;

  async function limit(req: Request, res: Response, sessionId: string) {
    const client = req.keyedClient!;
    for (const decision of [
      await container.rateLimits.visitor.consume(`${client.clientId}:${sessionId}`),
      await container.rateLimits.ip.consume(req.ip ?? 'unknown'),
    ]) {
      if (!decision.allowed) {
        res.setHeader('Retry-After', String(decision.retryAfterSeconds));
        throw new AppError({ code: 'rate_limited', status: 429, message: `You are sending requests too quickly. Try again in ${decision.retryAfterSeconds} seconds.` });
      }
    }
  }

  router.use(['/chat/feedback', '/chat/contact'], publicCors);
  const access = [express.json({ limit: '16kb' }), requireWidgetAccess(resolveApiKey, { publicUrl: container.config.publicUrl })];

  router.post(
    '/chat/feedback',
    access,
    asyncHandler(async (req, res) => {
      const parsed = feedbackInputSchema.safeParse(req.body ?? {});
      if (!parsed.success) throw new AppError({ code: 'invalid_input', status: 400, message: zodMessage(parsed.error) });
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
      if (sessionId) await limit(req, res, sessionId);
      const clientId = req.keyedClient!.clientId;
      const { contact, deliver } = await createContact(knex, { clientId, input: req.body ?? {} });
      if (deliver) {
        const start = container.workflows?.startContactDelivery?.({ clientId, contactId: contact.id });
        // The request is stored either way; a delivery that cannot start is shown as failed.
        await (start ?? Promise.reject(new Error('no workflow engine'))).catch(async (error) => {
          req.log.error({ err: error, contactId: contact.id }, 'could not start webhook delivery');
          await knex('contacts').where({ id: contact.id }).update({ webhook_status: 'failed', webhook_error: 'Delivery could not start.' });
        });
      }
      res.status(202).json({ contact: { id: contact.id, sessionId: contact.sessionId, createdAt: contact.createdAt } });
    }),
  );
  return router;
}
