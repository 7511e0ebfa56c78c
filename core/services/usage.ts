import type { Knex } from 'knex';
import { withTenant } from '../db/tenant';

export interface UsageDay {
  date: string;
  requests: number;
  tokensIn: number;
  tokensOut: number;
  cachedTokens: number;
  costUsd: number;
  /** Visitor ratings held for answers of that day's ratings (a replaced rating moves), and contact requests. */
  feedbackUp: number;
  feedbackDown: number;
  contacts: number;
}

/** One entry per day for the last `days` days (UTC), zeros included, oldest first, so charts need no gap filling. */
export const getUsage = (knex: Knex, args: { clientId: string; days: number }) =>
  withTenant(knex, args.clientId, (trx) => getUsageAsTenant(trx, args));

async function getUsageAsTenant(
  knex: Knex,
  { clientId, days }: { clientId: string; days: number },
): Promise<UsageDay[]> {
  const span = Math.min(Math.max(Math.trunc(days) || 30, 1), 366);
  const today = new Date();
  const start = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - (span - 1)));
  const rows = await knex('usage_daily')
    .where({ client_id: clientId })
    .andWhere('date', '>=', start.toISOString().slice(0, 10));
  const byDate = new Map(rows.map((row) => [String(row.date).slice(0, 10), row]));
  const result: UsageDay[] = [];
  for (let index = 0; index < span; index++) {
    const date = new Date(start.getTime() + index * 86_400_000).toISOString().slice(0, 10);
    const row = byDate.get(date);
    result.push({
      date,
      requests: row ? Number(row.requests) : 0,
      tokensIn: row ? Number(row.tokens_in) : 0,
      tokensOut: row ? Number(row.tokens_out) : 0,
      cachedTokens: row ? Number(row.cached_tokens) : 0,
      costUsd: row ? Number(Number(row.cost_usd).toFixed(6)) : 0,
      feedbackUp: row ? Number(row.feedback_up ?? 0) : 0,
      feedbackDown: row ? Number(row.feedback_down ?? 0) : 0,
      contacts: row ? Number(row.contacts ?? 0) : 0,
    });
  }
  return result;
}
