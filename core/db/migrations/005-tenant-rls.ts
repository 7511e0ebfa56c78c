import type { Knex } from 'knex';

/**
 * PostgreSQL row-level security: the second wall between tenants, behind the `where client_id = …`
 * every query already has. Tenant-facing reads run through `withTenant` (core/db/tenant.ts), which
 * switches to TENANT_ROLE for the transaction and sets the tenant: a query that forgets its filter
 * still sees only that tenant's rows. Migrations, workers and other system paths keep the owner
 * role, which RLS does not restrict (RLS is enabled, not forced, so the tables' owner is exempt).
 */

/** The role tenant-facing transactions run as: NOLOGIN, owns nothing, no BYPASSRLS, DML grants only. */
export const TENANT_ROLE = 'chatconnect_app';
/** Transaction-local settings withTenant sets; an unset or empty one matches no row. */
export const TENANT_SETTING = 'app.client_id';
export const OWNER_SETTING = 'app.owner_id';

const setting = (name: string) => `nullif(current_setting('${name}', true), '')::uuid`;

/**
 * Row-level security for one tenant table: enabled, one policy `tenant_isolation` for TENANT_ROLE
 * keyed on `column` (default `client_id`) = the transaction's `app.client_id`, for reads and
 * writes alike, and DML grants to the role. Idempotent. Call it from the migration that creates
 * a new tenant table, e.g. `await enableTenantRls(knex, 'feedback')`; for a table keyed by its
 * owner, pass `{ column: 'owner_id', setting: OWNER_SETTING }`.
 */
export async function enableTenantRls(
  knex: Knex,
  table: string,
  { column = 'client_id', setting: name = TENANT_SETTING }: { column?: string; setting?: string } = {},
): Promise<void> {
  // Migrations numbered before this one (003, 004) may call it too: the role comes first.
  await ensureTenantRole(knex);
  await knex.raw('alter table ?? enable row level security', [table]);
  await knex.raw('drop policy if exists tenant_isolation on ??', [table]);
  const predicate = `?? = ${setting(name)}`;
  await knex.raw(
    `create policy tenant_isolation on ?? to ${TENANT_ROLE} using (${predicate}) with check (${predicate})`,
    [table, column, column],
  );
  await knex.raw(`grant select, insert, update, delete on ?? to ${TENANT_ROLE}`, [table]);
}

/** Undoes enableTenantRls (for `down` migrations). */
export async function disableTenantRls(knex: Knex, table: string): Promise<void> {
  await knex.raw('drop policy if exists tenant_isolation on ??', [table]);
  await knex.raw('alter table ?? disable row level security', [table]);
  await knex.raw(`revoke all on ?? from ${TENANT_ROLE}`, [table]);
}

const CLIENT_TABLES = ['api_keys', 'widgets', 'documents', 'chunks', 'chat_sessions', 'chat_messages', 'usage_daily'];

/**
 * Every table with a `client_id` column at the time this runs: the tables above, and those of
 * migrations numbered before this one (website sources, feedback, contacts, written answers). The
 * pgvector store's own tables (`chunk_vectors_*`, made at run time and read by system paths) are not.
 */
async function clientKeyedTables(knex: Knex): Promise<string[]> {
  const result = await knex.raw<{ rows: Array<{ table_name: string }> }>(
    `select distinct c.table_name from information_schema.columns c
       join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
      where c.table_schema = current_schema() and c.column_name = 'client_id' and t.table_type = 'BASE TABLE'
        and c.table_name not like 'chunk\\_vectors\\_%'
      order by 1`,
  );
  return [...new Set([...CLIENT_TABLES, ...result.rows.map((row) => row.table_name)])];
}

/** Creates TENANT_ROLE (once per server), lets the connecting role switch to it, and grants it the schema. Idempotent. */
export async function ensureTenantRole(knex: Knex): Promise<void> {
  // Roles belong to the whole server, and several databases may be migrated at once: create it
  // once, quietly accepting that another migration got there first.
  await knex.raw(`
    do $$
    begin
      if not exists (select 1 from pg_roles where rolname = '${TENANT_ROLE}') then
        create role ${TENANT_ROLE} nologin nosuperuser nobypassrls noinherit;
      end if;
    exception when duplicate_object or unique_violation then null;
    end $$`);
  // The connecting (owner) role may switch to it: SET LOCAL ROLE needs membership.
  await knex.raw(`
    do $$
    begin
      if not pg_has_role(current_user, '${TENANT_ROLE}', 'member') then
        execute format('grant ${TENANT_ROLE} to %I', current_user);
      end if;
    end $$`);
  await knex.raw(`grant usage on schema public to ${TENANT_ROLE}`);
}

export async function up(knex: Knex): Promise<void> {
  await ensureTenantRole(knex);
  for (const table of await clientKeyedTables(knex)) await enableTenantRls(knex, table);
  // A site is visible to its owner (the dashboard's lists) and as the current tenant itself.
  await knex.raw('alter table clients enable row level security');
  await knex.raw('drop policy if exists tenant_isolation on clients');
  await knex.raw(
    `create policy tenant_isolation on clients to ${TENANT_ROLE}
       using (id = ${setting(TENANT_SETTING)} or owner_id = ${setting(OWNER_SETTING)})
       with check (id = ${setting(TENANT_SETTING)} or owner_id = ${setting(OWNER_SETTING)})`,
  );
  await knex.raw(`grant select, insert, update, delete on clients to ${TENANT_ROLE}`);
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [...(await clientKeyedTables(knex)), 'clients']) await disableTenantRls(knex, table);
  await knex.raw(`revoke usage on schema public from ${TENANT_ROLE}`);
  // The role stays: it is shared by every database on the server.
}
