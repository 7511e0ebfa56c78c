import type { Knex } from 'knex';

/**
 * Closing the loop with tenants (issue 14):
 * - `message_feedback`: one visitor rating per chat message (`unique(message_id)`: a second rating
 *   replaces the first);
 * - `contacts`: "talk to a person" requests, with the state of their webhook delivery;
 * - `written_answers`: a tenant's own Q&A per site, matched by normalised wording or by the
 *   embedding of the question (stored with the model that made it);
 * - `clients.webhook_url`, `clients.webhook_secret` (HMAC key for `x-chatconnect-signature`) and
 *   `clients.deleted_at` (set synchronously when a site is deleted; the deletion workflow removes
 *   the row and everything of it afterwards);
 * - `usage_daily.feedback_up`, `feedback_down`, `contacts`: ratings and contact requests per day.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('clients', (table) => {
    table.text('webhook_url');
    table.text('webhook_secret');
    table.timestamp('deleted_at', { useTz: true });
  });
  // An account being deleted: sessions gone, email released, the deletion workflow removes the row.
  await knex.schema.alterTable('users', (table) => {
    table.timestamp('deleted_at', { useTz: true });
  });
  await knex.schema.alterTable('usage_daily', (table) => {
    table.integer('feedback_up').notNullable().defaultTo(0);
    table.integer('feedback_down').notNullable().defaultTo(0);
    table.integer('contacts').notNullable().defaultTo(0);
  });
  await knex.schema.createTable('message_feedback', (table) => {
    table.uuid('id').primary();
    table.uuid('client_id').notNullable().references('clients.id').onDelete('CASCADE');
    table.uuid('message_id').notNullable().unique().references('chat_messages.id').onDelete('CASCADE');
    table.text('session_id').notNullable();
    table.text('rating').notNullable();
    table.text('comment');
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.index(['client_id', 'updated_at']);
  });
  await knex.schema.createTable('contacts', (table) => {
    table.uuid('id').primary();
    table.uuid('client_id').notNullable().references('clients.id').onDelete('CASCADE');
    table.text('session_id').notNullable();
    table.text('email').notNullable();
    table.text('name');
    table.text('message');
    // none (no webhook configured), pending, delivered, failed (gave up)
    table.text('webhook_status').notNullable().defaultTo('none');
    table.integer('webhook_attempts').notNullable().defaultTo(0);
    table.text('webhook_error');
    table.timestamp('webhook_delivered_at', { useTz: true });
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.index(['client_id', 'created_at']);
  });
  await knex.schema.createTable('written_answers', (table) => {
    table.uuid('id').primary();
    table.uuid('client_id').notNullable().references('clients.id').onDelete('CASCADE');
    table.text('question').notNullable();
    table.text('question_normalised').notNullable();
    table.text('answer').notNullable();
    table.specificType('embedding', 'real[]');
    table.text('embedding_model');
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.unique(['client_id', 'question_normalised']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('written_answers');
  await knex.schema.dropTableIfExists('contacts');
  await knex.schema.dropTableIfExists('message_feedback');
  await knex.schema.alterTable('usage_daily', (table) => {
    table.dropColumn('contacts');
    table.dropColumn('feedback_down');
    table.dropColumn('feedback_up');
  });
  await knex.schema.alterTable('users', (table) => {
    table.dropColumn('deleted_at');
  });
  await knex.schema.alterTable('clients', (table) => {
    table.dropColumn('deleted_at');
    table.dropColumn('webhook_secret');
    table.dropColumn('webhook_url');
  });
}
