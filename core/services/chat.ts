import { z } from 'zod';
import type { Knex } from 'knex';
import type { Cache } from '../adapters/cache/types';
import { getJson, setJson } from '../adapters/cache/types';
import type { LlmRegistry } from '../adapters/llm/registry';
import type { ChatTurn, RetrievedChunk, Usage } from '../adapters/llm/types';
import { STATIC_SYSTEM_PROMPT } from '../adapters/llm/prompt';
import type { KeyedClient } from './clients';
import { retrieve, type RetrievalDeps } from './retrieval';

const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** Strips control and bidi-override characters (keeping newlines and tabs) before length checks. */
export const cleanMessage = (message: string) => message.replace(CONTROL_CHARACTERS, '').trim();

export const chatRequestSchema = z.object({
  message: z
    .string({ required_error: 'Send a message.', invalid_type_error: 'The message must be text.' })
    .transform(cleanMessage)
    .pipe(
      z
        .string()
        .min(1, 'The message is empty. Type a question.')
        // Characters as people count them (code points), not UTF-16 units: 2000 emoji are fine.
        .refine((text) => [...text].length <= 2000, 'The message is too long: keep it to 2000 characters.'),
    ),
  sessionId: z.string().uuid('sessionId must be a UUID.').optional(),
  metadata: z
    .record(z.string().max(64), z.union([z.string().max(500), z.number(), z.boolean(), z.null()]))
    .refine((value) => Object.keys(value).length <= 20 && JSON.stringify(value).length <= 2048, 'metadata is limited to 20 keys and 2 KB.')
    .optional(),
});
export type ChatRequest = z.infer<typeof chatRequestSchema>;

export interface ChatSource {
  documentId: string;
  filename: string;
  chunkIndex: number;
  page: number | null;
  score: number;
  snippet: string;
}

export type ChatEvent =
  | { type: 'token'; text: string }
  | { type: 'sources'; sources: ChatSource[] }
  | { type: 'done'; usage: Usage; answer: string };

export interface ChatDeps extends RetrievalDeps {
  llm: LlmRegistry;
}

const HISTORY_TURNS = 6;
const HISTORY_TTL_SECONDS = 2 * 3600;
const historyKey = (clientId: string, sessionId: string) => `hist:${clientId}:${sessionId}`;

/**
 * Conversation memory: the session's last turns. Logging is asynchronous, so the freshest turns
 * live in the cache; the database is the fallback after the cache forgets. Failures mean "no memory", never a failed chat.
 */
async function loadHistory(deps: { cache: Cache; knex: Knex }, clientId: string, sessionId: string): Promise<ChatTurn[]> {
  const cached = await getJson<ChatTurn[]>(deps.cache, historyKey(clientId, sessionId)).catch(() => null);
  if (cached) return cached;
  try {
    const rows = await deps.knex('chat_messages as m')
      .join('chat_sessions as s', 's.id', 'm.chat_session_id')
      .where({ 's.client_id': clientId, 's.session_id': sessionId })
      .orderBy('m.created_at', 'desc')
      .limit(HISTORY_TURNS / 2)
      .select('m.question', 'm.answer');
    return rows.reverse().flatMap((row) => [
      { role: 'user' as const, content: row.question },
      { role: 'assistant' as const, content: row.answer },
    ]);
  } catch {
    return [];
  }
}

export function toSources(chunks: RetrievedChunk[], answer: string): ChatSource[] {
  // Sources the answer cites ([1], [2]…) come first, in the order cited; the rest follow by rank.
  const cited = [...answer.matchAll(/\[(\d{1,2})\]/g)].map((match) => Number(match[1]) - 1).filter((index) => index >= 0 && index < chunks.length);
  const order = [...new Set([...cited, ...chunks.map((_, index) => index)])];
  return order.map((index) => {
    const chunk = chunks[index];
    return {
      documentId: chunk.documentId,
      filename: chunk.filename,
      chunkIndex: chunk.chunkIndex,
      page: chunk.page ?? null,
      score: chunk.score,
      snippet: chunk.text.length > 300 ? `${chunk.text.slice(0, 297).trimEnd()}…` : chunk.text,
    };
  });
}

/** Retrieve → generate, as a stream of events. No req/res here: the HTTP edge frames it. */
export async function* answerQuestion(
  deps: ChatDeps,
  { client, question, sessionId, signal, newSession = false }: { client: KeyedClient; question: string; sessionId: string; signal?: AbortSignal; newSession?: boolean },
): AsyncGenerator<ChatEvent> {
  const [history, context] = await Promise.all([
    // A session the server just created has no past turns: no cache or database read for it.
    newSession ? Promise.resolve([]) : loadHistory(deps, client.clientId, sessionId),
    retrieve(deps, { clientId: client.clientId, question, topK: client.topK }),
  ]);
  const { provider, model } = deps.llm.choose(client);
  let answer = '';
  let usage: Usage = { model, tokensIn: 0, tokensOut: 0, cachedTokens: 0 };
  for await (const event of provider.stream({
    systemPrompt: STATIC_SYSTEM_PROMPT,
    context,
    history,
    question,
    model,
    signal,
  })) {
    if (event.type === 'token') {
      answer += event.text;
      yield event;
    } else {
      usage = event.usage;
    }
  }
  yield { type: 'sources', sources: toSources(context, answer) };
  const turns: ChatTurn[] = [...history, { role: 'user', content: question }, { role: 'assistant', content: answer }];
  await setJson(deps.cache, historyKey(client.clientId, sessionId), turns.slice(-HISTORY_TURNS), HISTORY_TTL_SECONDS).catch(() => undefined);
  yield { type: 'done', usage, answer };
}
