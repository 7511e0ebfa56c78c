import type { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { estimateCostUsd } from '../adapters/llm/pricing';
import type { ChatTurnLog } from '../ports/workflow-gateway';

/**
 * Writes one chat turn and rolls it into the day's usage, in one transaction. The message id is
 * the one the visitor saw, so writing the same turn twice (a retried activity, or the direct
 * fallback racing the workflow) never counts it twice.
 */
export async function recordChatTurn(knex: Knex, turn: ChatTurnLog): Promise<{ inserted: boolean }> {
  return knex.transaction(async (trx) => {
    const createdAt = new Date(turn.createdAt);
    const [session] = await trx('chat_sessions')
      .insert({
        id: randomUUID(),
        client_id: turn.clientId,
        session_id: turn.sessionId,
        started_at: createdAt,
        last_message_at: createdAt,
        message_count: 0,
        metadata: turn.metadata ? JSON.stringify(turn.metadata) : null,
      })
      .onConflict(['client_id', 'session_id'])
      .merge({ client_id: trx.raw('excluded.client_id') })
      .returning(['id']);
    const inserted = await trx('chat_messages')
      .insert({
        id: turn.messageId,
        client_id: turn.clientId,
        chat_session_id: session.id,
        question: turn.question,
        answer: turn.answer,
        sources: JSON.stringify(turn.sources),
        model: turn.model,
        tokens_in: turn.tokensIn,
        tokens_out: turn.tokensOut,
        cached_tokens: turn.cachedTokens,
        latency_ms: turn.latencyMs,
        status: turn.status,
        grounded: turn.grounded ?? true,
        reply_kind: turn.replyKind ?? 'answer',
        created_at: createdAt,
      })
      .onConflict('id')
      .ignore()
      .returning(['id']);
    if (inserted.length === 0) return { inserted: false };

    await trx('chat_sessions')
      .where({ id: session.id })
      .update({
        message_count: trx.raw('message_count + 1'),
        last_message_at: trx.raw('greatest(last_message_at, ?)', [createdAt]),
        started_at: trx.raw('least(started_at, ?)', [createdAt]),
      });
    const costUsd = estimateCostUsd({
      model: turn.model,
      tokensIn: turn.tokensIn,
      tokensOut: turn.tokensOut,
      cachedTokens: turn.cachedTokens,
    });
    const date = createdAt.toISOString().slice(0, 10);
    await trx('usage_daily')
      .insert({
        client_id: turn.clientId,
        date,
        requests: 1,
        tokens_in: turn.tokensIn,
        tokens_out: turn.tokensOut,
        cached_tokens: turn.cachedTokens,
        cost_usd: costUsd,
      })
      .onConflict(['client_id', 'date'])
      .merge({
        requests: trx.raw('usage_daily.requests + 1'),
        tokens_in: trx.raw('usage_daily.tokens_in + excluded.tokens_in'),
        tokens_out: trx.raw('usage_daily.tokens_out + excluded.tokens_out'),
        cached_tokens: trx.raw('usage_daily.cached_tokens + excluded.cached_tokens'),
        cost_usd: trx.raw('usage_daily.cost_usd + excluded.cost_usd'),
      });
    return { inserted: true };
  });
}
