import type { Knex } from 'knex';
import { withTenant } from '../db/tenant';

export interface ChatMessageView {
  messageId: string;
  question: string;
  answer: string;
  sources: unknown[];
  model: string;
  tokensIn: number;
  tokensOut: number;
  cachedTokens: number;
  latencyMs: number;
  status: string;
  createdAt: string;
}

export interface ChatSessionView {
  sessionId: string;
  startedAt: string;
  lastMessageAt: string;
  messageCount: number;
  firstQuestion: string | null;
  messages?: ChatMessageView[];
}

const toMessage = (row: Record<string, any>): ChatMessageView => ({
  messageId: row.id,
  question: row.question,
  answer: row.answer,
  sources: typeof row.sources === 'string' ? JSON.parse(row.sources) : row.sources,
  model: row.model,
  tokensIn: row.tokens_in,
  tokensOut: row.tokens_out,
  cachedTokens: row.cached_tokens,
  latencyMs: row.latency_ms,
  status: row.status,
  createdAt: new Date(row.created_at).toISOString(),
});

type ListArgs = { clientId: string; search?: string; includeMessages?: boolean; limit?: number; offset?: number };

/**
 * A client's sessions, newest first; `search` matches questions and answers; messages are included
 * on request. Read as the tenant (withTenant): row-level security backs the `client_id` filters.
 */
export const listChatSessions = (knex: Knex, args: ListArgs) => withTenant(knex, args.clientId, (trx) => listChatSessionsAsTenant(trx, args));

async function listChatSessionsAsTenant(
  knex: Knex,
  {
    clientId,
    search,
    includeMessages = false,
    limit = 50,
    offset = 0,
  }: { clientId: string; search?: string; includeMessages?: boolean; limit?: number; offset?: number },
): Promise<{ sessions: ChatSessionView[]; total: number }> {
  const base = knex('chat_sessions as s').where('s.client_id', clientId);
  if (search && search.trim()) {
    const pattern = `%${search.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    base.whereExists(
      knex('chat_messages as m')
        .whereRaw('m.chat_session_id = s.id')
        .andWhere((q) => q.whereILike('m.question', pattern).orWhereILike('m.answer', pattern)),
    );
  }
  const [{ count }] = await base.clone().count<{ count: number }[]>({ count: '*' });
  const rows = await base
    .clone()
    .orderBy('s.last_message_at', 'desc')
    .limit(Math.min(Math.max(limit, 1), 200))
    .offset(Math.max(offset, 0))
    .select(
      's.id',
      's.session_id',
      's.started_at',
      's.last_message_at',
      's.message_count',
      knex.raw('(select question from chat_messages m where m.chat_session_id = s.id order by created_at asc limit 1) as first_question'),
    );
  const sessions: ChatSessionView[] = rows.map((row) => ({
    sessionId: row.session_id,
    startedAt: new Date(row.started_at).toISOString(),
    lastMessageAt: new Date(row.last_message_at).toISOString(),
    messageCount: row.message_count,
    firstQuestion: row.first_question ?? null,
  }));
  if (includeMessages && rows.length) {
    const messages = await knex('chat_messages')
      .where('client_id', clientId)
      .whereIn('chat_session_id', rows.map((row) => row.id))
      .orderBy('created_at', 'asc');
    const bySession = new Map<string, ChatMessageView[]>();
    for (const message of messages) {
      const list = bySession.get(message.chat_session_id) ?? [];
      list.push(toMessage(message));
      bySession.set(message.chat_session_id, list);
    }
    rows.forEach((row, index) => {
      sessions[index].messages = bySession.get(row.id) ?? [];
    });
  }
  return { sessions, total: Number(count) };
}

/** One session with its messages, or null; read as the tenant (withTenant). */
export const getChatSession = (knex: Knex, args: { clientId: string; sessionId: string }) =>
  withTenant(knex, args.clientId, (trx) => getChatSessionAsTenant(trx, args));

async function getChatSessionAsTenant(
  knex: Knex,
  { clientId, sessionId }: { clientId: string; sessionId: string },
): Promise<ChatSessionView | null> {
  const row = await knex('chat_sessions').where({ client_id: clientId, session_id: sessionId }).first();
  if (!row) return null;
  const messages = await knex('chat_messages').where({ client_id: clientId, chat_session_id: row.id }).orderBy('created_at', 'asc');
  return {
    sessionId: row.session_id,
    startedAt: new Date(row.started_at).toISOString(),
    lastMessageAt: new Date(row.last_message_at).toISOString(),
    messageCount: row.message_count,
    firstQuestion: messages[0]?.question ?? null,
    messages: messages.map(toMessage),
  };
}

/** Neutralises spreadsheet formulas: a cell starting with = + - @ (or tab/CR) gets a leading apostrophe. */
export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function sessionsToCsv(sessions: ChatSessionView[]): string {
  const header = ['session_id', 'message_id', 'created_at', 'question', 'answer', 'sources', 'model', 'tokens_in', 'tokens_out'];
  const lines = [header.join(',')];
  for (const session of sessions) {
    for (const message of session.messages ?? []) {
      const sources = (message.sources as Array<{ filename?: string; page?: number | null }>)
        .map((source) => (source.page ? `${source.filename} p.${source.page}` : source.filename))
        .join('; ');
      lines.push(
        [session.sessionId, message.messageId, message.createdAt, message.question, message.answer, sources, message.model, message.tokensIn, message.tokensOut]
          .map(csvCell)
          .join(','),
      );
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}
