import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (table) => {
    table.uuid('id').primary();
    table.text('email').notNullable().unique();
    table.text('name').notNullable();
    table.text('password_hash').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('user_sessions', (table) => {
    // sha256 of the cookie token: a leaked table cannot be replayed as cookies.
    table.text('id').primary();
    table.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    table.text('csrf_token').notNullable();
    table.timestamp('expires_at', { useTz: true }).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.index(['user_id']);
  });

  await knex.schema.createTable('clients', (table) => {
    table.uuid('id').primary();
    table.uuid('owner_id').notNullable().references('users.id').onDelete('CASCADE');
    table.text('name').notNullable();
    table.text('tier').notNullable().defaultTo('free');
    table.jsonb('allowed_domains').notNullable().defaultTo('[]');
    table.text('llm_provider');
    table.text('llm_model');
    table.text('embedding_model').notNullable();
    table.integer('top_k').notNullable().defaultTo(5);
    table.text('instructions');
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.index(['owner_id']);
  });

  await knex.schema.createTable('api_keys', (table) => {
    table.uuid('id').primary();
    table.uuid('client_id').notNullable().references('clients.id').onDelete('CASCADE');
    table.text('prefix').notNullable();
    table.text('key_hash').notNullable().unique();
    // 'preview' keys power the dashboard's live preview and are also accepted from the dashboard's own origin.
    table.text('kind').notNullable().defaultTo('live');
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp('revoked_at', { useTz: true });
    table.timestamp('last_used_at', { useTz: true });
    table.index(['client_id']);
  });

  await knex.schema.createTable('widgets', (table) => {
    table.uuid('client_id').primary().references('clients.id').onDelete('CASCADE');
    table.jsonb('config').notNullable().defaultTo('{}');
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('documents', (table) => {
    table.uuid('id').primary();
    table.uuid('client_id').notNullable().references('clients.id').onDelete('CASCADE');
    table.text('filename').notNullable();
    table.text('file_type').notNullable();
    table.bigInteger('size_bytes').notNullable();
    table.text('blob_key').notNullable();
    table.text('status').notNullable().defaultTo('queued');
    table.text('stage');
    table.integer('percent').notNullable().defaultTo(0);
    table.integer('chunks_done').notNullable().defaultTo(0);
    table.integer('chunks_total').notNullable().defaultTo(0);
    table.integer('chunk_count').notNullable().defaultTo(0);
    table.integer('page_count');
    table.text('error_code');
    table.text('error_message');
    table.text('workflow_id');
    // Each ingestion run gets a new version; the active one answers until a newer one is ready.
    table.integer('version').notNullable().defaultTo(1);
    table.integer('active_version');
    table.text('embedding_model');
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp('ready_at', { useTz: true });
    table.index(['client_id', 'created_at']);
  });

  await knex.schema.createTable('chunks', (table) => {
    table.uuid('id').primary();
    table.uuid('client_id').notNullable();
    table.uuid('document_id').notNullable().references('documents.id').onDelete('CASCADE');
    table.integer('version').notNullable();
    table.integer('chunk_index').notNullable();
    table.text('text').notNullable();
    table.integer('token_count').notNullable();
    table.integer('page');
    table.integer('page_end');
    table.integer('row_start');
    table.integer('row_end');
    table.text('heading');
    table.specificType('embedding', 'real[]');
    table.boolean('active').notNullable().defaultTo(false);
    table.unique(['document_id', 'version', 'chunk_index']);
    table.index(['client_id', 'active']);
  });
  await knex.raw(
    `alter table chunks add column search_vector tsvector generated always as (to_tsvector('english', coalesce(heading, '') || ' ' || text)) stored`,
  );
  await knex.raw('create index chunks_search_idx on chunks using gin (search_vector)');

  await knex.schema.createTable('chat_sessions', (table) => {
    table.uuid('id').primary();
    table.uuid('client_id').notNullable().references('clients.id').onDelete('CASCADE');
    // The visitor's sessionId; unique per client only, so one tenant's id never touches another's.
    table.uuid('session_id').notNullable();
    table.timestamp('started_at', { useTz: true }).notNullable();
    table.timestamp('last_message_at', { useTz: true }).notNullable();
    table.integer('message_count').notNullable().defaultTo(0);
    table.jsonb('metadata');
    table.unique(['client_id', 'session_id']);
    table.index(['client_id', 'last_message_at']);
  });

  await knex.schema.createTable('chat_messages', (table) => {
    // The messageId the visitor saw in `meta`: logging the same turn twice is a no-op.
    table.uuid('id').primary();
    table.uuid('client_id').notNullable().references('clients.id').onDelete('CASCADE');
    table.uuid('chat_session_id').notNullable().references('chat_sessions.id').onDelete('CASCADE');
    table.text('question').notNullable();
    table.text('answer').notNullable();
    table.jsonb('sources').notNullable().defaultTo('[]');
    table.text('model').notNullable();
    table.integer('tokens_in').notNullable().defaultTo(0);
    table.integer('tokens_out').notNullable().defaultTo(0);
    table.integer('cached_tokens').notNullable().defaultTo(0);
    table.integer('latency_ms').notNullable().defaultTo(0);
    table.text('status').notNullable().defaultTo('ok');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.index(['chat_session_id', 'created_at']);
    table.index(['client_id', 'created_at']);
  });

  await knex.schema.createTable('usage_daily', (table) => {
    table.uuid('client_id').notNullable().references('clients.id').onDelete('CASCADE');
    table.date('date').notNullable();
    table.integer('requests').notNullable().defaultTo(0);
    table.bigInteger('tokens_in').notNullable().defaultTo(0);
    table.bigInteger('tokens_out').notNullable().defaultTo(0);
    table.bigInteger('cached_tokens').notNullable().defaultTo(0);
    table.decimal('cost_usd', 14, 6).notNullable().defaultTo(0);
    table.primary(['client_id', 'date']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'usage_daily',
    'chat_messages',
    'chat_sessions',
    'chunks',
    'documents',
    'widgets',
    'api_keys',
    'clients',
    'user_sessions',
    'users',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
