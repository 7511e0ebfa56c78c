import { stringify } from 'csv-stringify/sync';
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
  /** The visitor's rating of this answer, if any. */
  feedback: { rating: 'up' | 'down'; comment: string | null; createdAt: string } | null;
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
  feedback: row.feedback_rating
    ? {
        rating: row.feedback_rating,
        comment: row.feedback_comment ?? null,
        createdAt: new Date(row.feedback_at).toISOString(),
      }
    : null,
});

/** Messages with their visitor rating (message_feedback). */
const messagesWithFeedback = (knex: Knex) =>
  knex('chat_messages')
    .leftJoin('message_feedback as f', 'f.message_id', 'chat_messages.id')
    .select(
      'chat_messages.*',
      'f.rating as feedback_rating',
      'f.comment as feedback_comment',
      'f.updated_at as feedback_at',
    );

type ListArgs = { clientId: string; search?: string; includeMessages?: boolean; limit?: number; offset?: number };

/**
 * A client's sessions, newest first; `search` matches questions and answers; messages are included
 * on request. Read as the tenant (withTenant): row-level security backs the `client_id` filters.
 */
export const listChatSessions = (knex: Knex, args: ListArgs) =>
  withTenant(knex, args.clientId, (trx) => listChatSessionsAsTenant(trx, args));

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
      knex.raw(
        '(select question from chat_messages m where m.chat_session_id = s.id order by created_at asc limit 1) as first_question',
      ),
    );
  const sessions: ChatSessionView[] = rows.map((row) => ({
    sessionId: row.session_id,
    startedAt: new Date(row.started_at).toISOString(),
    lastMessageAt: new Date(row.last_message_at).toISOString(),
    messageCount: row.message_count,
    firstQuestion: row.first_question ?? null,
  }));
  if (includeMessages && rows.length) {
    const messages = await messagesWithFeedback(knex)
      .where('chat_messages.client_id', clientId)
      .whereIn(
        'chat_messages.chat_session_id',
        rows.map((row) => row.id),
      )
      .orderBy('chat_messages.created_at', 'asc');
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
  const messages = await messagesWithFeedback(knex)
    .where({ 'chat_messages.client_id': clientId, 'chat_messages.chat_session_id': row.id })
    .orderBy('chat_messages.created_at', 'asc');
  return {
    sessionId: row.session_id,
    startedAt: new Date(row.started_at).toISOString(),
    lastMessageAt: new Date(row.last_message_at).toISOString(),
    messageCount: row.message_count,
    firstQuestion: messages[0]?.question ?? null,
    messages: messages.map(toMessage),
  };
}

/**
 * Neutralises spreadsheet formulas (CSV injection, OWASP "CSV Injection"): a cell starting with
 * = + - @ tab or CR gets a leading apostrophe, so Excel and Sheets show it as text. Quoting is
 * csv-stringify's.
 */
export function neutraliseFormula(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** One row per message, RFC 4180 (CRLF, quoted where needed) via csv-stringify. */
export function sessionsToCsv(sessions: ChatSessionView[]): string {
  const header = [
    'session_id',
    'message_id',
    'created_at',
    'question',
    'answer',
    'sources',
    'model',
    'tokens_in',
    'tokens_out',
  ];
  const rows: string[][] = [];
  for (const session of sessions) {
    for (const message of session.messages ?? []) {
      const sources = (message.sources as Array<{ filename?: string; page?: number | null }>)
        .map((source) => (source.page ? `${source.filename} p.${source.page}` : source.filename))
        .join('; ');
      rows.push(
        [
          session.sessionId,
          message.messageId,
          message.createdAt,
          message.question,
          message.answer,
          sources,
          message.model,
          message.tokensIn,
          message.tokensOut,
        ].map(neutraliseFormula),
      );
    }
  }
  return stringify(rows, { header: true, columns: header, record_delimiter: 'windows' });
}
