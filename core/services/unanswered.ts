import type { Knex } from 'knex';
import { withTenant } from '../db/tenant';
import { normaliseQuestion } from './questions';

export interface UnansweredQuestion {
  /** The most recent wording visitors used. */
  question: string;
  /** Distinct messages asking it in the window. */
  count: number;
  lastAskedAt: string;
  /** `not_found` when any of its messages was declined (nothing relevant found), else `rated_down`. */
  reason: 'not_found' | 'rated_down';
  /** Every reason seen among its messages. */
  reasons: Array<'not_found' | 'rated_down'>;
  /** The asking sessions, most recent first. */
  sessionIds: string[];
  /** Set when a written answer for this wording exists now: the question is taken care of. */
  writtenAnswerId: string | null;
}

/**
 * What visitors asked that the documents did not answer, in the last `days` days: every declined
 * question (`reply_kind = 'declined'`, `grounded = false`; small talk is its own kind and never
 * counted) and every answer rated down, grouped by normalised wording (questions.ts), most asked
 * first (ties: most recent first). A declined answer that was also rated down counts once.
 */
async function listUnansweredAsTenant(
  knex: Knex,
  { clientId, days, limit = 200 }: { clientId: string; days: number; limit?: number },
): Promise<UnansweredQuestion[]> {
  const since = new Date(Date.now() - days * 86_400_000);
  const rows: Array<{
    id: string;
    question: string;
    created_at: Date;
    session_id: string;
    declined: boolean;
    rated_down: boolean;
  }> = await knex('chat_messages as m')
    .join('chat_sessions as s', 's.id', 'm.chat_session_id')
    .leftJoin('message_feedback as f', 'f.message_id', 'm.id')
    .where('m.client_id', clientId)
    .andWhere('m.created_at', '>=', since)
    .andWhere((where) =>
      where
        .where((declined) => declined.where('m.reply_kind', 'declined').andWhere('m.grounded', false))
        .orWhere('f.rating', 'down'),
    )
    .orderBy('m.created_at', 'desc')
    .limit(10_000)
    .select(
      'm.id',
      'm.question',
      'm.created_at',
      's.session_id',
      knex.raw(`(m.reply_kind = 'declined' and m.grounded = false) as declined`),
      knex.raw(`coalesce(f.rating = 'down', false) as rated_down`),
    );
  const groups = new Map<string, UnansweredQuestion & { reasonSet: Set<'not_found' | 'rated_down'> }>();
  for (const row of rows) {
    const key = normaliseQuestion(row.question);
    if (!key) continue;
    let group = groups.get(key);
    if (!group) {
      group = {
        question: row.question,
        count: 0,
        lastAskedAt: new Date(row.created_at).toISOString(),
        reason: 'rated_down',
        reasons: [],
        sessionIds: [],
        writtenAnswerId: null,
        reasonSet: new Set(),
      };
      groups.set(key, group);
    }
    group.count++;
    if (!group.sessionIds.includes(row.session_id)) group.sessionIds.push(row.session_id);
    if (row.declined) group.reasonSet.add('not_found');
    if (row.rated_down) group.reasonSet.add('rated_down');
  }
  const written = groups.size
    ? await knex('written_answers')
        .where({ client_id: clientId })
        .whereIn('question_normalised', [...groups.keys()])
        .select('id', 'question_normalised')
    : [];
  const writtenBy = new Map(written.map((row) => [row.question_normalised as string, row.id as string]));
  return [...groups.entries()]
    .map(([key, { reasonSet, ...group }]) => ({
      ...group,
      reason: reasonSet.has('not_found') ? ('not_found' as const) : ('rated_down' as const),
      reasons: [...reasonSet].sort(),
      writtenAnswerId: writtenBy.get(key) ?? null,
    }))
    .sort((a, b) => b.count - a.count || b.lastAskedAt.localeCompare(a.lastAskedAt))
    .slice(0, limit);
}

/** As `listUnansweredAsTenant`, inside `withTenant` (core/db/tenant.ts): row-level security as a second wall. */
export const listUnanswered = (knex: Knex, args: { clientId: string; days: number; limit?: number }) =>
  withTenant(knex, args.clientId, (trx) => listUnansweredAsTenant(trx, args));
