import { z } from 'zod';
import type { Knex } from 'knex';
import type { Cache } from '../adapters/cache/types';
import { getJson, setJson } from '../adapters/cache/types';
import type { LlmRegistry } from '../adapters/llm/registry';
import type { ChatTurn, RetrievedChunk, Usage } from '../adapters/llm/types';
import { STATIC_SYSTEM_PROMPT } from '../adapters/llm/prompt';
import type { KeyedClient } from './clients';
import { retrieve, type RetrievalDeps } from './retrieval';
import { AnswerStream, readsAsDecline } from './answer-stream';
import { detectLanguage } from '../replies/language';
import { replyText } from '../replies/messages';
import { recogniseSmallTalk, stripPleasantries } from '../replies/small-talk';
import { questionContentWords } from '../retrieval/question';
import { matchWrittenAnswer, writtenAnswerEvents } from './written-answers';

const CONTROL_CHARACTERS =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** The contract's session ids: opaque, 1–128 of `[A-Za-z0-9._:-]` (the widget sends a UUID). */
export const SESSION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

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
  sessionId: z
    .string({ invalid_type_error: 'sessionId must be text.' })
    .regex(SESSION_ID, 'sessionId must be 1–128 letters, digits or . _ : - characters.')
    .optional(),
  metadata: z
    .record(z.string().max(64), z.union([z.string().max(500), z.number(), z.boolean(), z.null()]))
    .refine(
      (value) => Object.keys(value).length <= 20 && JSON.stringify(value).length <= 2048,
      'metadata is limited to 20 keys and 2 KB.',
    )
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
  /** A web page's title, and the URL to link to (same as `filename`); null for uploaded files. */
  title: string | null;
  url: string | null;
}

/** What kind of reply a turn got (chat_messages.reply_kind; `written` is a tenant's own Q&A answer). */
export type ReplyKind = 'answer' | 'declined' | 'small_talk' | 'written';

export type ChatEvent =
  | { type: 'token'; text: string }
  | { type: 'sources'; sources: ChatSource[] }
  | { type: 'done'; usage: Usage; answer: string; grounded: boolean; replyKind: ReplyKind };

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
async function loadHistory(
  deps: { cache: Cache; knex: Knex },
  clientId: string,
  sessionId: string,
): Promise<ChatTurn[]> {
  const cached = await getJson<ChatTurn[]>(deps.cache, historyKey(clientId, sessionId)).catch(() => null);
  if (cached) return cached;
  try {
    const rows = await deps
      .knex('chat_messages as m')
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

/** Sources in citation order: entry n is what `[n]` in the answer points to. */
export function toSources(chunks: RetrievedChunk[], order: number[] = chunks.map((_, index) => index)): ChatSource[] {
  return order.map((index) => {
    const chunk = chunks[index];
    return {
      documentId: chunk.documentId,
      filename: chunk.filename,
      chunkIndex: chunk.chunkIndex,
      page: chunk.page ?? null,
      score: chunk.score,
      snippet: chunk.text.length > 300 ? `${chunk.text.slice(0, 297).trimEnd()}…` : chunk.text,
      title: chunk.title ?? null,
      url: chunk.url ?? null,
    };
  });
}

const WORDS_PER_TOKEN_EVENT = 3;

/**
 * A bare follow-up ("and how much is it?", "what about Sundays?") says too little to search or to
 * judge by: it is searched together with the visitor's previous question.
 */
export function retrievalQuery(question: string, history: ChatTurn[]): string {
  if (questionContentWords(question).length >= 2) return question;
  const previous = [...history].reverse().find((turn) => turn.role === 'user')?.content;
  return previous ? `${previous} ${question}` : question;
}

/** A fixed reply (decline, small talk) as token events, like any answer. */
function* tokensOf(text: string): Generator<ChatEvent> {
  const parts = text.match(/\s*\S+/g) ?? [];
  for (let start = 0; start < parts.length; start += WORDS_PER_TOKEN_EVENT) {
    yield { type: 'token', text: parts.slice(start, start + WORDS_PER_TOKEN_EVENT).join('') };
  }
}

/**
 * Small talk → retrieve → decide grounded → generate, as a stream of events. No req/res here:
 * the HTTP edge frames it.
 * - Small talk (core/replies/small-talk.ts) gets the site's reply in the visitor's language,
 *   before and without retrieval: `grounded: false`, no sources, reply kind `small_talk`.
 * - A question the documents do not cover (core/retrieval/grounding.ts) gets the site's decline
 *   message without calling the model: `grounded: false`, no sources, `declined`.
 * - Otherwise the model answers; a reply opening with NO_ANSWER_MARKER (or a citation-less reply
 *   that reads as a refusal) is a decline too. `sources` lists what the answer cites, renumbered
 *   in order of citation; a hosted model's answer that cites nothing lists every chunk it was given.
 */
export async function* answerQuestion(
  deps: ChatDeps,
  {
    client,
    question,
    sessionId,
    signal,
    newSession = false,
  }: { client: KeyedClient; question: string; sessionId: string; signal?: AbortSignal; newSession?: boolean },
): AsyncGenerator<ChatEvent> {
  const { provider, model } = deps.llm.choose(client);
  const noUsage: Usage = { model, tokensIn: 0, tokensOut: 0, cachedTokens: 0 };
  // A session the server just created has no past turns: no cache or database read for it.
  const historyPromise = newSession ? Promise.resolve([]) : loadHistory(deps, client.clientId, sessionId);
  const remember = async (answer: string) => {
    const turns: ChatTurn[] = [
      ...(await historyPromise),
      { role: 'user', content: question },
      { role: 'assistant', content: answer },
    ];
    await setJson(
      deps.cache,
      historyKey(client.clientId, sessionId),
      turns.slice(-HISTORY_TURNS),
      HISTORY_TTL_SECONDS,
    ).catch(() => undefined);
  };
  async function* fixed(answer: string, replyKind: ReplyKind, usage: Usage): AsyncGenerator<ChatEvent> {
    yield* tokensOf(answer);
    yield { type: 'sources', sources: [] };
    await remember(answer);
    yield { type: 'done', usage, answer, grounded: false, replyKind };
  }

  // A tenant's written answer (Q&A) to this question comes before small talk, documents and the LLM.
  const written = await matchWrittenAnswer(deps, { clientId: client.clientId, question });
  if (written) {
    yield* writtenAnswerEvents(written);
    await remember(written.answer);
    return;
  }

  const smallTalk = recogniseSmallTalk(question);
  if (smallTalk) {
    yield* fixed(replyText(smallTalk.kind, smallTalk.language, client.replyMessages), 'small_talk', {
      ...noUsage,
      model: 'none',
    });
    return;
  }
  const language = detectLanguage(question);
  const declineMessage = replyText('declined', language, client.replyMessages);
  const history = await historyPromise;
  const retrieval = await retrieve(deps, {
    clientId: client.clientId,
    question: retrievalQuery(stripPleasantries(question), history),
    topK: client.topK,
  });
  if (!retrieval.grounded) {
    // Nothing relevant: the model is not asked at all (it would only be invited to guess).
    yield* fixed(declineMessage, 'declined', { ...noUsage, model: 'none' });
    return;
  }

  const context = retrieval.chunks;
  const stream = new AnswerStream(context.length);
  let answer = '';
  let usage: Usage = noUsage;
  for await (const event of provider.stream({
    systemPrompt: STATIC_SYSTEM_PROMPT,
    context,
    history,
    question,
    model,
    signal,
  })) {
    if (event.type === 'token') {
      const text = stream.push(event.text);
      if (text) {
        answer += text;
        yield { type: 'token', text };
      }
    } else {
      usage = event.usage;
    }
  }
  const tail = stream.end();
  if (tail) {
    answer += tail;
    yield { type: 'token', text: tail };
  }
  if (stream.declined) {
    yield* fixed(declineMessage, 'declined', usage);
    return;
  }
  const grounded = !readsAsDecline(answer, stream.cited.length);
  const sources = !grounded ? [] : toSources(context, stream.cited.length > 0 ? stream.cited : undefined);
  yield { type: 'sources', sources };
  await remember(answer);
  yield { type: 'done', usage, answer, grounded, replyKind: grounded ? 'answer' : 'declined' };
}
