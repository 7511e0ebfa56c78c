import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { z } from 'zod';
import { AppError, notFound } from '../errors';
import { normaliseDomainEntry } from './origins';

export const TIERS = ['free', 'paid'] as const;
export type Tier = (typeof TIERS)[number];
export const LLM_PROVIDERS = ['local', 'openai', 'anthropic'] as const;

const domainList = z
  .array(z.string().max(300))
  .max(100, 'Use at most 100 allowed domains.')
  .transform((entries, context) => {
    const values: string[] = [];
    for (const entry of entries) {
      const result = normaliseDomainEntry(entry);
      if ('error' in result) context.addIssue({ code: z.ZodIssueCode.custom, message: result.error });
      else if (!values.includes(result.value)) values.push(result.value);
    }
    return values;
  });

export const clientInputSchema = z.object({
  name: z.string().trim().min(1, 'Give the site a name.').max(100),
  tier: z.enum(TIERS).default('free'),
  allowedDomains: domainList.default([]),
  llmProvider: z.enum(LLM_PROVIDERS).nullable().optional(),
  llmModel: z.string().trim().min(1).max(100).nullable().optional(),
  topK: z.coerce.number().int().min(1).max(20).optional(),
  instructions: z.string().max(4000).nullable().optional(),
});
export const clientPatchSchema = clientInputSchema.partial();

export interface Client {
  id: string;
  name: string;
  tier: Tier;
  allowedDomains: string[];
  llmProvider: string | null;
  llmModel: string | null;
  embeddingModel: string;
  topK: number;
  instructions: string | null;
  createdAt: string;
  updatedAt: string;
}

interface ClientRow {
  id: string;
  owner_id: string;
  name: string;
  tier: Tier;
  allowed_domains: string[] | string;
  llm_provider: string | null;
  llm_model: string | null;
  embedding_model: string;
  top_k: number;
  instructions: string | null;
  created_at: Date;
  updated_at: Date;
}

export function toClient(row: ClientRow): Client {
  return {
    id: row.id,
    name: row.name,
    tier: row.tier,
    allowedDomains: typeof row.allowed_domains === 'string' ? JSON.parse(row.allowed_domains) : row.allowed_domains,
    llmProvider: row.llm_provider,
    llmModel: row.llm_model,
    embeddingModel: row.embedding_model,
    topK: row.top_k,
    instructions: row.instructions,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

/** Key material: `pk_live_` + 32 random url-safe characters; stored as sha256, shown once. */
export function generateApiKey(): { key: string; prefix: string; hash: string } {
  const key = `pk_live_${randomBytes(24).toString('base64url')}`;
  return { key, prefix: key.slice(0, 12), hash: hashApiKey(key) };
}
export const hashApiKey = (key: string) => createHash('sha256').update(key).digest('hex');

export async function createClient(
  knex: Knex,
  { ownerId, input, embeddingModel }: { ownerId: string; input: unknown; embeddingModel: string },
): Promise<{ client: Client; apiKey: string }> {
  const data = clientInputSchema.parse(input);
  const id = randomUUID();
  const apiKey = generateApiKey();
  await knex.transaction(async (trx) => {
    await trx('clients').insert({
      id,
      owner_id: ownerId,
      name: data.name,
      tier: data.tier,
      allowed_domains: JSON.stringify(data.allowedDomains),
      llm_provider: data.llmProvider ?? null,
      llm_model: data.llmModel ?? null,
      embedding_model: embeddingModel,
      top_k: data.topK ?? 5,
      instructions: data.instructions ?? null,
    });
    await trx('api_keys').insert({ id: randomUUID(), client_id: id, prefix: apiKey.prefix, key_hash: apiKey.hash });
    await trx('widgets').insert({ client_id: id, config: JSON.stringify({}) });
  });
  const client = await getClientForOwner(knex, { ownerId, clientId: id });
  return { client, apiKey: apiKey.key };
}

export async function listClients(knex: Knex, { ownerId }: { ownerId: string }): Promise<Client[]> {
  const rows = await knex<ClientRow>('clients').where({ owner_id: ownerId }).orderBy('created_at', 'asc');
  return rows.map(toClient);
}

/** The one gate for every dashboard call on a client: a foreign or missing id is the same 404. */
export async function getClientForOwner(knex: Knex, { ownerId, clientId }: { ownerId: string; clientId: unknown }): Promise<Client> {
  if (!isUuid(clientId)) throw notFound('site');
  const row = await knex<ClientRow>('clients').where({ id: clientId, owner_id: ownerId }).first();
  if (!row) throw notFound('site');
  return toClient(row);
}

export async function updateClient(
  knex: Knex,
  { ownerId, clientId, input }: { ownerId: string; clientId: string; input: unknown },
): Promise<{ client: Client }> {
  const existing = await getClientForOwner(knex, { ownerId, clientId });
  const data = clientPatchSchema.parse(input);
  const patch: Record<string, unknown> = { updated_at: knex.fn.now() };
  if (data.name !== undefined) patch.name = data.name;
  if (data.tier !== undefined) patch.tier = data.tier;
  if (data.allowedDomains !== undefined) patch.allowed_domains = JSON.stringify(data.allowedDomains);
  if (data.llmProvider !== undefined) patch.llm_provider = data.llmProvider;
  if (data.llmModel !== undefined) patch.llm_model = data.llmModel;
  if (data.topK !== undefined) patch.top_k = data.topK;
  if (data.instructions !== undefined) patch.instructions = data.instructions;
  await knex('clients').where({ id: existing.id, owner_id: ownerId }).update(patch);
  return { client: await getClientForOwner(knex, { ownerId, clientId }) };
}

export async function deleteClient(knex: Knex, { ownerId, clientId }: { ownerId: string; clientId: string }): Promise<void> {
  const client = await getClientForOwner(knex, { ownerId, clientId });
  await knex('clients').where({ id: client.id, owner_id: ownerId }).delete();
}

export interface ApiKeySummary {
  id: string;
  prefix: string;
  kind: 'live' | 'preview';
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export async function listApiKeys(knex: Knex, { clientId }: { clientId: string }): Promise<ApiKeySummary[]> {
  const rows = await knex('api_keys').where({ client_id: clientId }).orderBy('created_at', 'asc');
  return rows.map((row) => ({
    id: row.id,
    prefix: row.prefix,
    kind: row.kind,
    createdAt: new Date(row.created_at).toISOString(),
    revokedAt: row.revoked_at ? new Date(row.revoked_at).toISOString() : null,
    lastUsedAt: row.last_used_at ? new Date(row.last_used_at).toISOString() : null,
  }));
}

export async function createApiKey(knex: Knex, { clientId }: { clientId: string }): Promise<{ apiKey: string; key: ApiKeySummary }> {
  const generated = generateApiKey();
  const id = randomUUID();
  await knex('api_keys').insert({ id, client_id: clientId, prefix: generated.prefix, key_hash: generated.hash });
  const key = (await listApiKeys(knex, { clientId })).find((summary) => summary.id === id)!;
  return { apiKey: generated.key, key };
}

export async function revokeApiKey(knex: Knex, { clientId, keyId }: { clientId: string; keyId: string }): Promise<void> {
  if (!isUuid(keyId)) throw notFound('API key');
  const updated = await knex('api_keys')
    .where({ id: keyId, client_id: clientId })
    .whereNull('revoked_at')
    .update({ revoked_at: knex.fn.now() });
  if (updated === 0) {
    const exists = await knex('api_keys').where({ id: keyId, client_id: clientId }).first();
    if (!exists) throw notFound('API key');
  }
}

/**
 * A key for the dashboard's live preview: also accepted from the dashboard's own origin. Creating
 * one revokes the client's older preview keys, so at most one is live.
 */
export async function createPreviewKey(knex: Knex, { clientId }: { clientId: string }): Promise<{ apiKey: string }> {
  const generated = generateApiKey();
  await knex.transaction(async (trx) => {
    await trx('api_keys').where({ client_id: clientId, kind: 'preview' }).whereNull('revoked_at').update({ revoked_at: trx.fn.now() });
    await trx('api_keys').insert({ id: randomUUID(), client_id: clientId, prefix: generated.prefix, key_hash: generated.hash, kind: 'preview' });
  });
  return { apiKey: generated.key };
}

/** What the public chat and widget paths know about the site behind a publishable key. */
export interface KeyedClient {
  clientId: string;
  keyId: string;
  keyKind: 'live' | 'preview';
  name: string;
  tier: Tier;
  allowedDomains: string[];
  llmProvider: string | null;
  llmModel: string | null;
  topK: number;
  instructions: string | null;
}

export async function findClientByApiKey(knex: Knex, key: string): Promise<KeyedClient | null> {
  if (!/^pk_live_[A-Za-z0-9_-]{16,64}$/.test(key)) return null;
  const row = await knex('api_keys as k')
    .join('clients as c', 'c.id', 'k.client_id')
    .where('k.key_hash', hashApiKey(key))
    .whereNull('k.revoked_at')
    .first('k.id as key_id', 'k.kind as key_kind', 'c.*');
  if (!row) return null;
  const client = toClient(row);
  return {
    clientId: client.id,
    keyId: row.key_id,
    keyKind: row.key_kind,
    name: client.name,
    tier: client.tier,
    allowedDomains: client.allowedDomains,
    llmProvider: client.llmProvider,
    llmModel: client.llmModel,
    topK: client.topK,
    instructions: client.instructions,
  };
}

/**
 * Looks keys up by hash with a short in-process cache: revocation takes effect within
 * `ttlSeconds` on every API process, and a burst of chats costs one query. While the database is
 * unreachable, a key seen in the last `staleIfErrorSeconds` keeps working, so a short outage does
 * not take every site's widget down.
 */
export function createApiKeyResolver(knex: Knex, ttlSeconds: number, staleIfErrorSeconds = 600) {
  const cache = new Map<string, { value: KeyedClient | null; fetchedAt: number }>();
  // Concurrent misses for one key share one lookup: when the entry expires under load, one query, not one per request.
  const inFlight = new Map<string, Promise<KeyedClient | null>>();
  return function resolveApiKey(key: string): Promise<KeyedClient | null> {
    const hit = cache.get(key);
    if (hit && hit.fetchedAt + ttlSeconds * 1000 > Date.now()) return Promise.resolve(hit.value);
    let pending = inFlight.get(key);
    if (!pending) {
      pending = lookUp(key, hit).finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    return pending;
  };

  async function lookUp(key: string, hit: { value: KeyedClient | null; fetchedAt: number } | undefined): Promise<KeyedClient | null> {
    let value: KeyedClient | null;
    try {
      value = await findClientByApiKey(knex, key);
    } catch (error) {
      if (hit?.value && hit.fetchedAt + staleIfErrorSeconds * 1000 > Date.now()) return hit.value;
      throw error;
    }
    if (cache.size > 10_000) cache.clear();
    cache.set(key, { value, fetchedAt: Date.now() });
    // "Last used" for the dashboard, at most once per cache window per key and never on the request's path.
    if (value) void knex('api_keys').where({ id: value.keyId }).update({ last_used_at: knex.fn.now() }).catch(() => undefined);
    return value;
  }
}
