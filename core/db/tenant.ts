import type { Knex } from 'knex';
import { OWNER_SETTING, TENANT_ROLE, TENANT_SETTING } from './migrations/005-tenant-rls';

export { enableTenantRls, TENANT_ROLE } from './migrations/005-tenant-rls';

/** Whom a tenant transaction is for: a site (`clientId`), a dashboard account (`ownerId`), or both. */
export type Tenant = string | { clientId?: string; ownerId?: string };

/**
 * Runs `fn` in a transaction as the tenant role (`SET LOCAL ROLE chatconnect_app`: owns nothing,
 * no BYPASSRLS) with `app.client_id` / `app.owner_id` set for this transaction only, so the
 * row-level security policies of migration 005 admit the tenant's rows alone, even to a query
 * that forgets its `where client_id = …`. Both settings and the role end with the transaction.
 *
 * `fn` must use the transaction it is given, never the outer knex (with a one-connection pool
 * that would wait forever). Tenant ids are passed as bound parameters, never spliced into SQL.
 * @param tenant a client id (string), or `{clientId?, ownerId?}`.
 * @throws whatever `fn` throws (the transaction is rolled back).
 */
export async function withTenant<T>(knex: Knex, tenant: Tenant, fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  const { clientId = '', ownerId = '' } = typeof tenant === 'string' ? { clientId: tenant } : tenant;
  return knex.transaction(async (trx) => {
    // One round trip: set_config('role', …, true) is SET LOCAL ROLE (as PostgREST does it).
    await trx.raw('select set_config(?, ?, true), set_config(?, ?, true), set_config(?, ?, true)', [
      TENANT_SETTING,
      clientId,
      OWNER_SETTING,
      ownerId,
      'role',
      TENANT_ROLE,
    ]);
    return fn(trx);
  });
}
