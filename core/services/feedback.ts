import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { withTenant } from '../db/tenant';
import { z } from 'zod';
import { AppError, notFound } from '../errors';
import { dayWindow, sessionIdSchema } from './questions';

/** `POST /chat/feedback` body. */
export const feedbackInputSchema = z.object({
  messageId: z
    .string({ required_error: 'Send the messageId of the rated answer.' })
    .uuid('messageId must be the UUID from the answer.'),
  sessionId: sessionIdSchema,
  rating: z.enum(['up', 'down'], { errorMap: () => ({ message: 'rating must be "up" or "down".' }) }),
  comment: z.string().trim().max(1000, 'Keep the comment to 1000 characters.').nullable().optional(),
});
export type FeedbackInput = z.infer<typeof feedbackInputSchema>;

/**
 * How long a rating waits for its message to be logged. Chat turns are logged by a workflow
 * after the answer is sent, so a visitor can rate a message a moment before its row exists.
 */
export const MESSAGE_LOG_WAIT_MS = 8_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The message's row if it belongs to this client and session; waits (up to `waitMs`) for a
 * message that is not logged anywhere yet. A message of another client or session is 404 at once.
 */
async function findRatedMessage(
  knex: Knex,
  {
    clientId,
    sessionId,
    messageId,
    waitMs,
  }: { clientId: string; sessionId: string; messageId: string; waitMs: number },
) {
  const deadline = Date.now() + waitMs;
  for (let delay = 100; ; delay = Math.min(delay * 1.5, 1000)) {
    const row = await knex('chat_messages as m')
      .join('chat_sessions as s', 's.id', 'm.chat_session_id')
      .where({ 'm.id': messageId })
      .first('m.id', 'm.client_id', 's.session_id');
    if (row) return row.client_id === clientId && row.session_id === sessionId ? row : null;
    if (Date.now() >= deadline) return null;
    await sleep(delay);
  }
}

/**
 * Stores a visitor's rating of one answer; a second rating of the same message replaces the first.
 * Usage counts (`usage_daily.feedback_up/down`) hold the ratings in place: a replaced rating is
 * taken off the day it was given and the new one added today.
 * @throws AppError 404 when the message is not this client's and this session's.
 */
export async function rateMessage(
  knex: Knex,
  { clientId, input, waitMs = MESSAGE_LOG_WAIT_MS }: { clientId: string; input: FeedbackInput; waitMs?: number },
): Promise<void> {
  const message = await findRatedMessage(knex, {
    clientId,
    sessionId: input.sessionId,
    messageId: input.messageId,
    waitMs,
  });
  if (!message) throw notFound('message');
  await knex.transaction(async (trx) => {
    const previous = await trx('message_feedback').where({ message_id: input.messageId }).forUpdate().first();
    const now = new Date();
    if (previous) {
      await trx('message_feedback')
        .where({ id: previous.id })
        .update({ rating: input.rating, comment: input.comment ?? null, session_id: input.sessionId, updated_at: now });
      await countRating(trx, { clientId, date: new Date(previous.updated_at), rating: previous.rating, delta: -1 });
    } else {
      await trx('message_feedback').insert({
        id: randomUUID(),
        client_id: clientId,
        message_id: input.messageId,
        session_id: input.sessionId,
        rating: input.rating,
        comment: input.comment ?? null,
        created_at: now,
        updated_at: now,
      });
    }
    await countRating(trx, { clientId, date: now, rating: input.rating, delta: 1 });
  });
}

async function countRating(
  trx: Knex.Transaction,
  { clientId, date, rating, delta }: { clientId: string; date: Date; rating: 'up' | 'down'; delta: number },
) {
  const column = rating === 'up' ? 'feedback_up' : 'feedback_down';
  await trx('usage_daily')
    .insert({ client_id: clientId, date: date.toISOString().slice(0, 10), [column]: Math.max(delta, 0) })
    .onConflict(['client_id', 'date'])
    .merge({ [column]: trx.raw(`greatest(usage_daily.${column} + ?, 0)`, [delta]) });
}

export interface FeedbackView {
  messageId: string;
  sessionId: string;
  question: string;
  answer: string;
  rating: 'up' | 'down';
  comment: string | null;
  /** When the rating (or its latest replacement) was given. */
  createdAt: string;
}

/** A client's ratings, newest first, optionally only `rating` and only the last `days` days. */
async function listFeedbackAsTenant(
  knex: Knex,
  { clientId, rating, days, limit = 200 }: { clientId: string; rating?: unknown; days?: unknown; limit?: number },
): Promise<FeedbackView[]> {
  if (rating !== undefined && rating !== 'up' && rating !== 'down') {
    throw new AppError({ code: 'invalid_input', status: 400, message: 'rating must be "up" or "down".' });
  }
  const query = knex('message_feedback as f')
    .join('chat_messages as m', 'm.id', 'f.message_id')
    .where('f.client_id', clientId)
    .orderBy('f.updated_at', 'desc')
    .limit(Math.min(Math.max(limit, 1), 1000))
    .select('f.message_id', 'f.session_id', 'm.question', 'm.answer', 'f.rating', 'f.comment', 'f.updated_at');
  if (rating) query.andWhere('f.rating', rating);
  if (days !== undefined) query.andWhere('f.updated_at', '>=', new Date(Date.now() - dayWindow(days) * 86_400_000));
  const rows = await query;
  return rows.map((row) => ({
    messageId: row.message_id,
    sessionId: row.session_id,
    question: row.question,
    answer: row.answer,
    rating: row.rating,
    comment: row.comment,
    createdAt: new Date(row.updated_at).toISOString(),
  }));
}

/** As `listFeedbackAsTenant`, inside `withTenant` (core/db/tenant.ts): row-level security as a second wall. */
export const listFeedback = (
  knex: Knex,
  args: { clientId: string; rating?: unknown; days?: unknown; limit?: number },
) => withTenant(knex, args.clientId, (trx) => listFeedbackAsTenant(trx, args));
