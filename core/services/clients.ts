import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { z } from 'zod';
import { LRUCache } from 'lru-cache';
import { validate as validateUuid } from 'uuid';
import { notFound } from '../errors';
import { normaliseDomainEntry } from './origins';
import { INVALIDATION_TOPICS, type InvalidationBus } from '../adapters/invalidation/types';
import { mergeReplyMessages, replyMessagesSchema, type ReplyMessages } from '../replies/messages';
import { checkWebhookUrl, generateWebhookSecret } from './webhooks';

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
  /** The site's own decline and small-talk texts (core/replies/messages.ts); missing kinds keep the built-in ones. */
  replyMessages: replyMessagesSchema.optional(),
  /** Checked further by `checkWebhookUrl` (scheme and address rules need the configuration). */
  webhookUrl: z.string().trim().max(2000).nullable().optional(),
});
export const clientPatchSchema = clientInputSchema.partial();

export interface Client {
  id: string;
  name: string;
  tier: Tier;
  /** A plan the tenant asked for that the operator has not granted yet (only when SELF_SERVE_TIERS=false). */
  requestedTier: Tier | null;
  allowedDomains: string[];
  llmProvider: string | null;
  llmModel: string | null;
  embeddingModel: string;
  topK: number;
  instructions: string | null;
  replyMessages: ReplyMessages;
  /** Receives a signed POST per visitor contact request (core/services/webhooks.ts). */
  webhookUrl: string | null;
  /** HMAC-SHA256 key of `x-chatconnect-signature`; made when the site is created. */
  webhookSecret: string | null;
  createdAt: string;
  updatedAt: string;
}

interface ClientRow {
  id: string;
  owner_id: string;
  name: string;
  tier: Tier;
  requested_tier?: Tier | null;
  allowed_domains: string[] | string;
  llm_provider: string | null;
  llm_model: string | null;
  embedding_model: string;
  top_k: number;
  instructions: string | null;
  reply_messages?: ReplyMessages | string | null;
  webhook_url?: string | null;
  webhook_secret?: string | null;
  created_at: Date;
  updated_at: Date;
}

export function toClient(row: ClientRow): Client {
  return {
    id: row.id,
    name: row.name,
    tier: row.tier,
    requestedTier: row.requested_tier ?? null,
    allowedDomains: typeof row.allowed_domains === 'string' ? JSON.parse(row.allowed_domains) : row.allowed_domains,
    llmProvider: row.llm_provider,
    llmModel: row.llm_model,
    embeddingModel: row.embedding_model,
    topK: row.top_k,
    instructions: row.instructions,
    replyMessages: (typeof row.reply_messages === 'string' ? JSON.parse(row.reply_messages) : row.reply_messages) ?? {},
    webhookUrl: row.webhook_url ?? null,
    webhookSecret: row.webhook_secret ?? null,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/** An RFC 9562 UUID string (the `uuid` package's `validate`); ids that fail it are answered 404 without a query. */
export const isUuid = (value: unknown): value is string => typeof value === 'string' && validateUuid(value);

/** Key material: `pk_live_` + 32 random url-safe characters; stored as sha256, shown once. */
export function generateApiKey(): { key: string; prefix: string; hash: string } {
  const key = `pk_live_${randomBytes(24).toString('base64url')}`;
  return { key, prefix: key.slice(0, 12), hash: hashApiKey(key) };
}
export const hashApiKey = (key: string) => createHash('sha256').update(key).digest('hex');

export async function createClient(
  knex: Knex,
  {
    ownerId,
    input,
    embeddingModel,
    selfServeTiers = true,
  }: {
    ownerId: string;
    input: unknown;
    embeddingModel: string;
    /** config.SELF_SERVE_TIERS */ selfServeTiers?: boolean;
  },
): Promise<{ client: Client; apiKey: string; warning?: { code: 'duplicate_name'; message: string } }> {
  const data = clientInputSchema.omit({ webhookUrl: true }).parse(input);
  // Without self-serve plans a site starts free and a paid choice waits for the operator.
  const requested = !selfServeTiers && data.tier !== 'free' ? data.tier : null;
  const id = randomUUID();
  const apiKey = generateApiKey();
  await knex.transaction(async (trx) => {
    await trx('clients').insert({
      id,
      owner_id: ownerId,
      name: data.name,
      tier: requested ? 'free' : data.tier,
      requested_tier: requested,
      tier_requested_at: requested ? knex.fn.now() : null,
      allowed_domains: JSON.stringify(data.allowedDomains),
      llm_provider: data.llmProvider ?? null,
      llm_model: data.llmModel ?? null,
      embedding_model: embeddingModel,
      top_k: data.topK ?? 5,
      instructions: data.instructions ?? null,
      reply_messages: JSON.stringify(mergeReplyMessages({}, data.replyMessages ?? {})),
      webhook_secret: generateWebhookSecret(),
    });
    await trx('api_keys').insert({ id: randomUUID(), client_id: id, prefix: apiKey.prefix, key_hash: apiKey.hash });
    await trx('widgets').insert({ client_id: id, config: JSON.stringify({}) });
  });
  const client = await getClientForOwner(knex, { ownerId, clientId: id });
  const warning = await duplicateNameWarning(knex, { ownerId, clientId: id, name: client.name });
  return { client, apiKey: apiKey.key, ...(warning ? { warning } : {}) };
}

export async function listClients(knex: Knex, { ownerId }: { ownerId: string }): Promise<Client[]> {
  const rows = await knex<ClientRow>('clients')
    .where({ owner_id: ownerId })
    .whereNull('deleted_at')
    .orderBy('created_at', 'asc');
  return rows.map(toClient);
}

/** The one gate for every dashboard call on a client: a foreign or missing id is the same 404. */
export async function getClientForOwner(
  knex: Knex,
  { ownerId, clientId }: { ownerId: string; clientId: unknown },
): Promise<Client> {
  if (!isUuid(clientId)) throw notFound('site');
  const row = await knex<ClientRow>('clients')
    .where({ id: clientId, owner_id: ownerId })
    .whereNull('deleted_at')
    .first();
  if (!row) throw notFound('site');
  return toClient(row);
}

export async function updateClient(
  knex: Knex,
  {
    ownerId,
    clientId,
    input,
    selfServeTiers = true,
    allowPrivateUrls = false,
  }: {
    ownerId: string;
    clientId: string;
    input: unknown;
    /** config.SELF_SERVE_TIERS */ selfServeTiers?: boolean;
    /** config.ALLOW_PRIVATE_URLS */ allowPrivateUrls?: boolean;
  },
): Promise<{ client: Client }> {
  const existing = await getClientForOwner(knex, { ownerId, clientId });
  const data = clientPatchSchema.parse(input);
  const patch: Record<string, unknown> = { updated_at: knex.fn.now() };
  if (data.name !== undefined) patch.name = data.name;
  if (data.tier !== undefined && selfServeTiers) patch.tier = data.tier;
  if (data.tier !== undefined && !selfServeTiers) {
    // An upgrade (or downgrade) request for the operator; asking for the current plan withdraws it.
    patch.requested_tier = data.tier === existing.tier ? null : data.tier;
    patch.tier_requested_at = data.tier === existing.tier ? null : knex.fn.now();
  }
  if (data.allowedDomains !== undefined) patch.allowed_domains = JSON.stringify(data.allowedDomains);
  if (data.llmProvider !== undefined) patch.llm_provider = data.llmProvider;
  if (data.llmModel !== undefined) patch.llm_model = data.llmModel;
  if (data.topK !== undefined) patch.top_k = data.topK;
  if (data.instructions !== undefined) patch.instructions = data.instructions;
  if (data.replyMessages !== undefined)
    patch.reply_messages = JSON.stringify(mergeReplyMessages(existing.replyMessages, data.replyMessages));
  if (data.webhookUrl !== undefined) {
    patch.webhook_url = data.webhookUrl ? checkWebhookUrl(data.webhookUrl, { allowPrivateUrls }) : null;
    if (!existing.webhookSecret) patch.webhook_secret = generateWebhookSecret();
  }
  await knex('clients').where({ id: existing.id, owner_id: ownerId }).update(patch);
  return { client: await getClientForOwner(knex, { ownerId, clientId }) };
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

export async function createApiKey(
  knex: Knex,
  { clientId }: { clientId: string },
): Promise<{ apiKey: string; key: ApiKeySummary }> {
  const generated = generateApiKey();
  const id = randomUUID();
  await knex('api_keys').insert({ id, client_id: clientId, prefix: generated.prefix, key_hash: generated.hash });
  const key = (await listApiKeys(knex, { clientId })).find((summary) => summary.id === id)!;
  return { apiKey: generated.key, key };
}

export async function revokeApiKey(
  knex: Knex,
  { clientId, keyId }: { clientId: string; keyId: string },
): Promise<void> {
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
    await trx('api_keys')
      .where({ client_id: clientId, kind: 'preview' })
      .whereNull('revoked_at')
      .update({ revoked_at: trx.fn.now() });
    await trx('api_keys').insert({
      id: randomUUID(),
      client_id: clientId,
      prefix: generated.prefix,
      key_hash: generated.hash,
      kind: 'preview',
    });
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
  replyMessages: ReplyMessages;
}

export async function findClientByApiKey(knex: Knex, key: string): Promise<KeyedClient | null> {
  if (!/^pk_live_[A-Za-z0-9_-]{16,64}$/.test(key)) return null;
  const row = await knex('api_keys as k')
    .join('clients as c', 'c.id', 'k.client_id')
    .where('k.key_hash', hashApiKey(key))
    .whereNull('k.revoked_at')
    .whereNull('c.deleted_at')
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
    replyMessages: client.replyMessages,
  };
}

/**
 * Tells every process that a client's keys or key-visible settings changed (call after the
 * change is committed). A transport error is logged by nobody and swallowed: the change is made,
 * and the other processes catch up within API_KEY_CACHE_TTL_SECONDS.
 */
export async function announceClientChange(invalidation: InvalidationBus | undefined, clientId: string): Promise<void> {
  await invalidation?.publish(INVALIDATION_TOPICS.apiKeys, clientId).catch(() => undefined);
}

/**
 * Looks keys up by hash with a short in-process cache: a burst of chats costs one query. With an
 * invalidation bus, a change published on `api-keys` (id = clientId) drops that client's entries
 * in every process at once; without one, revocation takes effect within `ttlSeconds`. While the
 * database is unreachable, a key seen in the last `staleIfErrorSeconds` keeps working, so a short
 * outage does not take every site's widget down.
 */
export function createApiKeyResolver(
  knex: Knex,
  ttlSeconds: number,
  staleIfErrorSeconds = 600,
  invalidation?: InvalidationBus,
) {
  // Entries are kept for the longer of the two windows (lru-cache drops them after `ttl`); whether
  // one is fresh is decided by its `fetchedAt`. At most 10,000 keys, least recently used evicted first.
  const cache = new LRUCache<string, { value: KeyedClient | null; fetchedAt: number }>({
    max: 10_000,
    ttl: Math.max(ttlSeconds, staleIfErrorSeconds, 1) * 1000,
  });
  invalidation?.subscribe(INVALIDATION_TOPICS.apiKeys, (clientId) => {
    if (clientId === '*') return cache.clear();
    const stale = [...cache.entries()].filter(([, entry]) => entry.value?.clientId === clientId).map(([key]) => key);
    for (const key of stale) cache.delete(key);
  });
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

  async function lookUp(
    key: string,
    hit: { value: KeyedClient | null; fetchedAt: number } | undefined,
  ): Promise<KeyedClient | null> {
    let value: KeyedClient | null;
    try {
      value = await findClientByApiKey(knex, key);
    } catch (error) {
      if (hit?.value && hit.fetchedAt + staleIfErrorSeconds * 1000 > Date.now()) return hit.value;
      throw error;
    }
    cache.set(key, { value, fetchedAt: Date.now() });
    // "Last used" for the dashboard, at most once per cache window per key and never on the request's path.
    if (value)
      void knex('api_keys')
        .where({ id: value.keyId })
        .update({ last_used_at: knex.fn.now() })
        .catch(() => undefined);
    return value;
  }
}

/** A warning (not an error: the contract's 201 stays) when the owner already has a site of this name. */
async function duplicateNameWarning(
  knex: Knex,
  { ownerId, clientId, name }: { ownerId: string; clientId: string; name: string },
) {
  const twin = await knex('clients')
    .where({ owner_id: ownerId })
    .whereNull('deleted_at')
    .whereNot({ id: clientId })
    .whereRaw('lower(name) = lower(?)', [name])
    .first('id');
  return twin
    ? {
        code: 'duplicate_name' as const,
        message: `You already have a site named "${name}". Rename one of them so you can tell them apart, or delete the one you do not need.`,
      }
    : undefined;
}
