import type { Knex } from 'knex';

/**
 * Per-site reply texts (`clients.reply_messages`, jsonb): the site owner's own wording for the
 * decline ("not in the documents") and the small-talk replies (greeting, thanks, goodbye, bot,
 * human). `{}` means the built-in texts in the visitor's language (core/replies/messages.ts).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('clients', (table) => {
    table.jsonb('reply_messages').notNullable().defaultTo('{}');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('clients', (table) => {
    table.dropColumn('reply_messages');
  });
}
