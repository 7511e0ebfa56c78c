import type { Knex } from 'knex';

/**
 * The contract grew `grounded` and opaque session ids (1–128 of `[A-Za-z0-9._:-]`):
 * - `chat_sessions.session_id` becomes text (it was a uuid);
 * - `chat_messages.grounded` says whether the answer was drawn from the site's documents;
 * - `chat_messages.reply_kind` says what kind of reply it was: `answer` (grounded, from
 *   documents), `declined` (nothing relevant found), `small_talk` (greeting, thanks, …),
 *   `written` (a tenant's written Q&A answer). Unanswered reports read `declined`.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table chat_sessions alter column session_id type text using session_id::text');
  await knex.schema.alterTable('chat_messages', (table) => {
    table.boolean('grounded').notNullable().defaultTo(true);
    table.text('reply_kind').notNullable().defaultTo('answer');
    table.index(['client_id', 'reply_kind', 'created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('chat_messages', (table) => {
    table.dropIndex(['client_id', 'reply_kind', 'created_at']);
    table.dropColumn('reply_kind');
    table.dropColumn('grounded');
  });
  await knex.raw('alter table chat_sessions alter column session_id type uuid using session_id::uuid');
}
