import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { withTenant } from '../db/tenant';
import { z } from 'zod';
import { AppError } from '../errors';
import { sessionIdSchema } from './questions';
import { assertDeliverableHost, postWebhook, type WebhookAttempt } from './webhooks';

/** `POST /chat/contact` body: the visitor asks for a person. */
export const contactInputSchema = z.object({
  sessionId: sessionIdSchema,
  email: z
    .string({ required_error: 'Enter your email address so the team can reply.' })
    .trim()
    .email('Enter a valid email address.')
    .max(254),
  name: z.string().trim().max(100, 'Keep the name to 100 characters.').nullable().optional(),
  message: z.string().trim().max(2000, 'Keep the message to 2000 characters.').nullable().optional(),
});

export interface ContactView {
  id: string;
  sessionId: string;
  email: string;
  name: string | null;
  message: string | null;
  createdAt: string;
  /** Delivery to the site's webhook: `none` (no webhook), `pending`, `delivered`, `failed` (gave up). */
  webhook: {
    status: 'none' | 'pending' | 'delivered' | 'failed';
    attempts: number;
    error: string | null;
    deliveredAt: string | null;
  };
}

const toView = (row: Record<string, any>): ContactView => ({
  id: row.id,
  sessionId: row.session_id,
  email: row.email,
  name: row.name ?? null,
  message: row.message ?? null,
  createdAt: new Date(row.created_at).toISOString(),
  webhook: {
    status: row.webhook_status,
    attempts: row.webhook_attempts,
    error: row.webhook_error ?? null,
    deliveredAt: row.webhook_delivered_at ? new Date(row.webhook_delivered_at).toISOString() : null,
  },
});

/**
 * Stores a contact request and counts it in `usage_daily.contacts`. Returns the contact and
 * whether the site has a webhook to deliver it to (the caller starts the delivery workflow).
 */
export async function createContact(
  knex: Knex,
  { clientId, input }: { clientId: string; input: unknown },
): Promise<{ contact: ContactView; deliver: boolean }> {
  const parsed = contactInputSchema.safeParse(input);
  if (!parsed.success)
    throw new AppError({
      code: 'invalid_input',
      status: 400,
      message: parsed.error.issues[0]?.message ?? 'Invalid contact request.',
    });
  const data = parsed.data;
  return knex.transaction(async (trx) => {
    const client = await trx('clients').where({ id: clientId }).whereNull('deleted_at').first('webhook_url');
    if (!client) throw new AppError({ code: 'not_found', status: 404, message: 'The site was not found.' });
    const now = new Date();
    const [row] = await trx('contacts')
      .insert({
        id: randomUUID(),
        client_id: clientId,
        session_id: data.sessionId,
        email: data.email,
        name: data.name || null,
        message: data.message || null,
        webhook_status: client.webhook_url ? 'pending' : 'none',
        created_at: now,
      })
      .returning('*');
    await trx('usage_daily')
      .insert({ client_id: clientId, date: now.toISOString().slice(0, 10), contacts: 1 })
      .onConflict(['client_id', 'date'])
      .merge({ contacts: trx.raw('usage_daily.contacts + 1') });
    return { contact: toView(row), deliver: Boolean(client.webhook_url) };
  });
}

/** A client's contact requests, newest first. */
async function listContactsAsTenant(
  knex: Knex,
  { clientId, limit = 200 }: { clientId: string; limit?: number },
): Promise<ContactView[]> {
  const rows = await knex('contacts')
    .where({ client_id: clientId })
    .orderBy('created_at', 'desc')
    .limit(Math.min(Math.max(limit, 1), 1000));
  return rows.map(toView);
}

/** As `listContactsAsTenant`, inside `withTenant` (core/db/tenant.ts): row-level security as a second wall. */
export const listContacts = (knex: Knex, args: { clientId: string; limit?: number }) =>
  withTenant(knex, args.clientId, (trx) => listContactsAsTenant(trx, args));

/** The webhook body of the contract: `{event: "contact", clientId, contact: {id, sessionId, email, name, message, createdAt}}`. */
export function contactWebhookBody(clientId: string, contact: ContactView): string {
  const { id, sessionId, email, name, message, createdAt } = contact;
  return JSON.stringify({ event: 'contact', clientId, contact: { id, sessionId, email, name, message, createdAt } });
}

export type DeliveryOutcome =
  { outcome: 'delivered' | 'gone' } | { outcome: 'failed'; error: string; retryable: boolean };

/**
 * One delivery attempt of a contact to its site's current webhook (read now, so a corrected URL
 * is used by the next retry). `gone`: the contact, the site or its webhook no longer exist.
 */
export async function deliverContact(
  knex: Knex,
  { contactId, allowPrivateUrls }: { contactId: string; allowPrivateUrls: boolean },
): Promise<DeliveryOutcome> {
  const row = await knex('contacts as k')
    .join('clients as c', 'c.id', 'k.client_id')
    .where('k.id', contactId)
    .whereNull('c.deleted_at')
    .first('k.*', 'c.webhook_url', 'c.webhook_secret');
  if (!row || !row.webhook_url || !row.webhook_secret) {
    if (row) await knex('contacts').where({ id: contactId }).update({ webhook_status: 'none' });
    return { outcome: 'gone' };
  }
  let attempt: WebhookAttempt;
  let retryable = true;
  try {
    await assertDeliverableHost(row.webhook_url, { allowPrivateUrls });
    attempt = await postWebhook({
      url: row.webhook_url,
      body: contactWebhookBody(row.client_id, toView(row)),
      secret: row.webhook_secret,
      event: 'contact',
    });
  } catch (error) {
    attempt = { ok: false, error: (error as Error).message };
    retryable = !(error instanceof AppError);
  }
  await knex('contacts')
    .where({ id: contactId })
    .update({
      webhook_attempts: knex.raw('webhook_attempts + 1'),
      webhook_status: attempt.ok ? 'delivered' : 'pending',
      webhook_error: attempt.ok ? null : (attempt.error ?? 'failed'),
      webhook_delivered_at: attempt.ok ? new Date() : null,
    });
  return attempt.ok ? { outcome: 'delivered' } : { outcome: 'failed', error: attempt.error ?? 'failed', retryable };
}

/** After the last attempt: the contact stays in the dashboard, marked as not delivered. */
export async function markDeliveryAbandoned(
  knex: Knex,
  { contactId, reason }: { contactId: string; reason: string },
): Promise<void> {
  await knex('contacts')
    .where({ id: contactId })
    .whereNot({ webhook_status: 'delivered' })
    .update({ webhook_status: 'failed', webhook_error: reason.slice(0, 500) });
}

/** The webhook retry schedule from configuration (seconds and hours there, milliseconds here). */
export function webhookRetryPolicy(config: {
  WEBHOOK_RETRY_INITIAL_SECONDS: number;
  WEBHOOK_RETRY_MAX_INTERVAL_SECONDS: number;
  WEBHOOK_GIVE_UP_HOURS: number;
}) {
  return {
    initialIntervalMs: Math.round(config.WEBHOOK_RETRY_INITIAL_SECONDS * 1000),
    maximumIntervalMs: Math.round(config.WEBHOOK_RETRY_MAX_INTERVAL_SECONDS * 1000),
    giveUpAfterMs: Math.round(config.WEBHOOK_GIVE_UP_HOURS * 3600 * 1000),
  };
}
