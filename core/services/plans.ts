import type { Knex } from 'knex';
import { notFound } from '../errors';
import { isUuid, TIERS, type Tier } from './clients';

/**
 * Operator-side plan management (no tenant ownership check: callers are the `npm run admin`
 * command and the internal API behind INTERNAL_API_SECRET). Tenants only *request* a tier when
 * SELF_SERVE_TIERS=false; these functions grant it.
 */
export interface OperatorSiteRow {
  id: string;
  name: string;
  ownerEmail: string;
  tier: Tier;
  requestedTier: Tier | null;
  tierRequestedAt: string | null;
  createdAt: string;
}

/** Every site with its owner and plan, pending upgrade requests first, then newest. */
export async function listSitesForOperator(
  knex: Knex,
  { pendingOnly = false }: { pendingOnly?: boolean } = {},
): Promise<OperatorSiteRow[]> {
  const query = knex('clients as c')
    .join('users as u', 'u.id', 'c.owner_id')
    .select('c.id', 'c.name', 'u.email', 'c.tier', 'c.requested_tier', 'c.tier_requested_at', 'c.created_at')
    .orderByRaw('c.requested_tier is null, c.created_at desc');
  if (pendingOnly) query.whereNotNull('c.requested_tier');
  const rows = await query;
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    ownerEmail: row.email,
    tier: row.tier,
    requestedTier: row.requested_tier ?? null,
    tierRequestedAt: row.tier_requested_at ? new Date(row.tier_requested_at).toISOString() : null,
    createdAt: new Date(row.created_at).toISOString(),
  }));
}

/**
 * Sets a site's tier and clears any pending request. The chat path reads the tier with the API key
 * (cached for API_KEY_CACHE_TTL_SECONDS, 5 s by default), so the new rate limit applies within that.
 * @throws AppError 404 `not_found` for an unknown site id; 400-style Error for an unknown tier.
 */
export async function setSiteTier(
  knex: Knex,
  { clientId, tier }: { clientId: string; tier: string },
): Promise<{ id: string; tier: Tier; previousTier: Tier }> {
  if (!(TIERS as readonly string[]).includes(tier))
    throw new Error(`Unknown tier "${tier}": use one of ${TIERS.join(', ')}.`);
  if (!isUuid(clientId)) throw notFound('site');
  return knex.transaction(async (trx) => {
    const row = await trx('clients').where({ id: clientId }).forUpdate().first('id', 'tier');
    if (!row) throw notFound('site');
    await trx('clients')
      .where({ id: clientId })
      .update({ tier, requested_tier: null, tier_requested_at: null, updated_at: trx.fn.now() });
    return { id: row.id, tier: tier as Tier, previousTier: row.tier };
  });
}
