import type { Knex } from 'knex';

/**
 * A cheap fingerprint of a client's conversations: it changes whenever a message is logged or a
 * rating given, so the dashboard knows when to reload its list or transcript.
 */
export async function conversationsFingerprint(knex: Knex, { clientId }: { clientId: string }): Promise<string> {
  const [sessions, feedback] = await Promise.all([
    knex('chat_sessions')
      .where({ client_id: clientId })
      .first(
        knex.raw('count(*) as n'),
        knex.raw('coalesce(sum(message_count), 0) as m'),
        knex.raw('max(last_message_at) as t'),
      ),
    knex('message_feedback')
      .where({ client_id: clientId })
      .first(knex.raw('count(*) as n'), knex.raw('max(updated_at) as t')),
  ]);
  const time = (value: unknown) => (value ? new Date(value as string).getTime() : 0);
  return [sessions?.n, sessions?.m, time(sessions?.t), feedback?.n, time(feedback?.t)].join(':');
}
