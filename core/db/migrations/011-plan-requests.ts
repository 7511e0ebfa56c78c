import type { Knex } from 'knex';

/**
 * Plans are the operator's decision (issue 16): when tenants may not pick their own tier
 * (`SELF_SERVE_TIERS=false`), the tier a tenant asks for is kept here until an operator acts on it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('clients', (table) => {
    table.text('requested_tier');
    table.timestamp('tier_requested_at', { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('clients', (table) => {
    table.dropColumn('tier_requested_at');
    table.dropColumn('requested_tier');
  });
}
