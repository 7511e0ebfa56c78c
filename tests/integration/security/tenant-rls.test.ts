import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../../core/db/tenant';
import { startTestStack, type TestStack } from '../../setup/stack';
import { createClientWithKey, signUpAdmin, waitForDocument } from '../../factories';
import type { TestClient } from '../../http';

// Tables whose rows belong to one site; each must be behind row-level security.
const TENANT_TABLES = ['api_keys', 'widgets', 'documents', 'chunks', 'chat_sessions', 'chat_messages', 'usage_daily'];

for (const database of ['postgres', 'pglite'] as const) {
  describe(`row-level security, the second wall between tenants (${database})`, () => {
    let stack: TestStack;
    const sites: Array<{ admin: TestClient; ownerId: string; clientId: string }> = [];

    beforeAll(async () => {
      stack = await startTestStack({ database, redis: false });
      for (const name of ['Ada', 'Bob']) {
        const { admin, user } = await signUpAdmin(stack.url, name);
        const { client, apiKey } = await createClientWithKey(admin);
        const upload = await admin.upload(
          client.id,
          `${name}.txt`,
          `${name} sells gift cards that are valid for three years.`,
        );
        expect((await waitForDocument(admin, upload.data.document.id)).status).toBe('ready');
        const chat = await fetch(new URL('/chat', stack.url), {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
          body: JSON.stringify({ message: 'How long are gift cards valid?' }),
        });
        expect(chat.status).toBe(200);
        sites.push({ admin, ownerId: user.id, clientId: client.id });
      }
      // Chat turns are logged by a workflow: wait until both sites have theirs.
      const knex = stack.container.db.knex;
      for (let attempt = 0; attempt < 240; attempt++) {
        const [{ count }] = await knex('usage_daily').countDistinct({ count: 'client_id' });
        if (Number(count) === 2) break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    });
    afterAll(async () => {
      await stack?.close();
    });

    it("returns only the current tenant's rows to a query that forgets its tenant filter", async () => {
      const knex = stack.container.db.knex;
      const [ada, bob] = sites;
      for (const table of TENANT_TABLES) {
        // The owner role (system paths) sees both sites, so the check below is not vacuous.
        const all = await knex(table).distinct('client_id');
        expect(new Set(all.map((row) => row.client_id)), table).toEqual(new Set([ada.clientId, bob.clientId]));
        for (const site of sites) {
          const seen = await withTenant(knex, site.clientId, (trx) => trx(table).distinct('client_id'));
          expect(
            seen.map((row) => row.client_id),
            table,
          ).toEqual([site.clientId]);
        }
        // No tenant set: nothing at all.
        expect(await withTenant(knex, {}, (trx) => trx(table).select()), table).toEqual([]);
      }
      const ownSites = await withTenant(knex, { ownerId: ada.ownerId }, (trx) => trx('clients').select('id'));
      expect(ownSites.map((row) => row.id)).toEqual([ada.clientId]);
    });

    it('refuses writes into another tenant and limits unfiltered updates to the current one', async () => {
      const knex = stack.container.db.knex;
      const [ada, bob] = sites;
      const planted = withTenant(knex, ada.clientId, (trx) =>
        trx('usage_daily').insert({ client_id: bob.clientId, date: '2001-01-01', requests: 1 }),
      );
      await expect(planted).rejects.toThrow(/row-level security/);
      const updated = await withTenant(knex, ada.clientId, async (trx) => {
        const count = await trx('documents').update({ filename: trx.raw('filename') });
        return count;
      });
      expect(updated).toBe(1);
      expect(
        await withTenant(knex, ada.clientId, (trx) => trx('documents').where({ client_id: bob.clientId }).delete()),
      ).toBe(0);
      expect(await knex('documents').where({ client_id: bob.clientId }).count({ count: '*' })).toEqual([{ count: 1 }]);
    });

    it('runs tenant transactions as a role that owns nothing and cannot bypass row-level security', async () => {
      const knex = stack.container.db.knex;
      const role = await withTenant(
        knex,
        sites[0].clientId,
        async (trx) =>
          (
            await trx.raw(
              'select current_user as name, r.rolsuper, r.rolbypassrls from pg_roles r where r.rolname = current_user',
            )
          ).rows[0],
      );
      expect(role).toEqual({ name: 'chatconnect_app', rolsuper: false, rolbypassrls: false });
      const owned = await knex.raw(
        "select count(*)::int as count from pg_class c join pg_roles r on r.oid = c.relowner where r.rolname = 'chatconnect_app'",
      );
      expect(owned.rows[0].count).toBe(0);
      // Every table with a client_id column is behind RLS (the pgvector store's own tables are
      // only read by system paths and are left out).
      const unprotected = await knex.raw(`
        select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind = 'r' and not c.relrowsecurity and c.relname not like 'chunk_vectors_%'
          and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'client_id' and not a.attisdropped)`);
      expect(unprotected.rows.map((row: { relname: string }) => row.relname)).toEqual([]);
    });

    it('still serves the tenant-facing reads through HTTP', async () => {
      const [ada] = sites;
      const documents = await ada.admin.get(`/api/dashboard/documents?clientId=${ada.clientId}`);
      expect(documents.data.documents.map((document: { filename: string }) => document.filename)).toEqual(['Ada.txt']);
      const chats = await ada.admin.get(`/api/dashboard/chats?clientId=${ada.clientId}`);
      expect(chats.data.sessions).toHaveLength(1);
      const usage = await ada.admin.get(`/api/dashboard/usage?clientId=${ada.clientId}&days=2`);
      expect(usage.data.days.reduce((sum: number, day: { requests: number }) => sum + day.requests, 0)).toBe(1);
    });
  });
}
