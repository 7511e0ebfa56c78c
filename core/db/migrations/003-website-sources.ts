import type { Knex } from 'knex';

/**
 * Website sources (contract: "Website sources"):
 * - `sources`: one URL a site learns from, with its mode, page budget, re-crawl cadence and the
 *   state of its last crawl. `generation` counts crawls; a crawl only writes while its generation
 *   is the source's current one, so an older run that is still finishing never undoes a newer one.
 * - `source_pages`: the crawl frontier and per-page outcome, one row per URL found (discovered,
 *   listed in a sitemap, or the page itself), with what a re-crawl needs to skip work: ETag,
 *   Last-Modified, and the document it produced.
 * - `documents.source_id` (pages' documents; null for uploads), `title`, `content_hash` (of the
 *   extracted text: unchanged pages are not re-ingested) and `canonical_url` (one document per
 *   canonical page within a source).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sources', (table) => {
    table.uuid('id').primary();
    table.uuid('client_id').notNullable().references('clients.id').onDelete('CASCADE');
    table.text('url').notNullable();
    table.text('mode').notNullable();
    table.integer('max_pages').notNullable().defaultTo(50);
    table.text('recrawl').notNullable().defaultTo('off');
    table.text('status').notNullable().defaultTo('queued');
    table.integer('page_count').notNullable().defaultTo(0);
    table.timestamp('last_crawled_at', { useTz: true });
    table.text('workflow_id');
    table.text('error_code');
    table.text('error_message');
    table.integer('generation').notNullable().defaultTo(0);
    table.text('robots_txt');
    table.timestamp('last_fetch_at', { useTz: true });
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.index(['client_id', 'created_at']);
  });

  await knex.schema.createTable('source_pages', (table) => {
    table.uuid('id').primary();
    table.uuid('source_id').notNullable().references('sources.id').onDelete('CASCADE');
    table.uuid('client_id').notNullable();
    // Order of discovery: the frontier is worked first-found first.
    table.bigIncrements('seq', { primaryKey: false });
    table.text('url').notNullable();
    table.integer('seen_generation').notNullable();
    // pending | ingested | unchanged | skipped | failed | removed
    table.text('state').notNullable().defaultTo('pending');
    table.boolean('fetched').notNullable().defaultTo(false);
    table.text('reason_code');
    table.text('reason_message');
    table.integer('http_status');
    table.text('final_url');
    table.text('title');
    table.uuid('document_id').references('documents.id').onDelete('SET NULL');
    table.text('etag');
    table.text('last_modified');
    table.timestamp('fetched_at', { useTz: true });
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.unique(['source_id', 'url']);
    table.index(['source_id', 'seen_generation', 'state', 'seq']);
  });

  await knex.schema.alterTable('documents', (table) => {
    table.uuid('source_id').references('sources.id').onDelete('CASCADE');
    table.text('title');
    table.text('content_hash');
    table.text('canonical_url');
    table.index(['source_id']);
    table.unique(['source_id', 'canonical_url']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('documents', (table) => {
    table.dropUnique(['source_id', 'canonical_url']);
    table.dropIndex(['source_id']);
    table.dropColumn('canonical_url');
    table.dropColumn('content_hash');
    table.dropColumn('title');
    table.dropColumn('source_id');
  });
  await knex.schema.dropTableIfExists('source_pages');
  await knex.schema.dropTableIfExists('sources');
}
