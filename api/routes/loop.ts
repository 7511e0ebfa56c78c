import { Router, type Request } from 'express';
import type { Container } from '../../core/container';
import { getClientForOwner } from '../../core/services/clients';
import { listContacts } from '../../core/services/contacts';
import { deleteClientForOwner } from '../../core/services/deletion';
import { listFeedback } from '../../core/services/feedback';
import { dayWindow } from '../../core/services/questions';
import { listUnanswered } from '../../core/services/unanswered';
import {
  createWrittenAnswer,
  deleteWrittenAnswer,
  listWrittenAnswers,
  updateWrittenAnswer,
} from '../../core/services/written-answers';
import { asyncHandler } from '../middleware/async-handler';
import { requireSession } from '../middleware/session';
import { openSse } from '../sse';
import { feedbackQuery, requireClientIdQuery } from './query';
import { conversationsFingerprint } from '../../core/services/conversation-events';

/**
 * The tenant's side of closing the loop (mounted on /api/dashboard, after the session and before
 * the dashboard router, whose `/chats/:sessionId` would take `/chats/events`; every handler here
 * checks the session itself): what went
 * unanswered, ratings, contact requests, written answers (Q&A), deleting a site, and live
 * conversation updates.
 */
export function loopRouter(container: Container): Router {
  const router = Router();
  const knex = container.db.knex;
  const owned = (req: Request, clientId: unknown) =>
    getClientForOwner(knex, { ownerId: requireSession(req).user.id, clientId });
  const queryClient = (req: Request) => owned(req, requireClientIdQuery(req));
  const answerDeps = () => ({ knex, cache: container.cache, embedder: container.embedder });

  router.delete(
    '/clients/:clientId',
    asyncHandler(async (req, res) => {
      await deleteClientForOwner(
        {
          knex,
          cache: container.cache,
          blobStore: container.blobStore,
          vectorStore: container.vectorStore,
          workflows: container.workflows,
          logger: container.logger,
          invalidation: container.invalidation,
        },
        { ownerId: requireSession(req).user.id, clientId: req.params.clientId },
      );
      res.status(204).end();
    }),
  );

  router.get(
    '/unanswered',
    asyncHandler(async (req, res) => {
      const client = await queryClient(req);
      res.json({ questions: await listUnanswered(knex, { clientId: client.id, days: dayWindow(req.query.days) }) });
    }),
  );
  router.get(
    '/feedback',
    asyncHandler(async (req, res) => {
      const client = await queryClient(req);
      const { rating, days } = feedbackQuery.parse(req.query);
      res.json({ feedback: await listFeedback(knex, { clientId: client.id, rating, days }) });
    }),
  );
  router.get(
    '/contacts',
    asyncHandler(async (req, res) => {
      const client = await queryClient(req);
      res.json({ contacts: await listContacts(knex, { clientId: client.id }) });
    }),
  );

  router.get(
    '/clients/:clientId/answers',
    asyncHandler(async (req, res) => {
      const client = await owned(req, req.params.clientId);
      res.json({ answers: await listWrittenAnswers(knex, { clientId: client.id }) });
    }),
  );
  router.post(
    '/clients/:clientId/answers',
    asyncHandler(async (req, res) => {
      const client = await owned(req, req.params.clientId);
      res
        .status(201)
        .json({ answer: await createWrittenAnswer(answerDeps(), { clientId: client.id, input: req.body }) });
    }),
  );
  router.patch(
    '/clients/:clientId/answers/:answerId',
    asyncHandler(async (req, res) => {
      const client = await owned(req, req.params.clientId);
      res.json({
        answer: await updateWrittenAnswer(answerDeps(), {
          clientId: client.id,
          answerId: req.params.answerId,
          input: req.body,
        }),
      });
    }),
  );
  router.delete(
    '/clients/:clientId/answers/:answerId',
    asyncHandler(async (req, res) => {
      const client = await owned(req, req.params.clientId);
      await deleteWrittenAnswer(answerDeps(), { clientId: client.id, answerId: req.params.answerId });
      res.status(204).end();
    }),
  );

  /** Live conversations: `changed` whenever a session gets a message or a rating (polled, so it works across API processes). */
  router.get(
    '/chats/events',
    asyncHandler(async (req, res) => {
      const client = await queryClient(req);
      const sse = openSse(res);
      let last: string | undefined;
      let timer: NodeJS.Timeout | undefined;
      const tick = async () => {
        try {
          const fingerprint = await conversationsFingerprint(knex, { clientId: client.id });
          if (fingerprint !== last) {
            if (last !== undefined) sse.send('changed', { fingerprint });
            last = fingerprint;
          }
        } catch (error) {
          req.log.warn({ err: error }, 'conversation events poll failed');
        }
        if (!sse.closed) timer = setTimeout(tick, 1500);
      };
      res.on('close', () => clearTimeout(timer));
      void tick();
    }),
  );
  return router;
}
