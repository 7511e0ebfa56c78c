import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Knex } from 'knex';
import { withTenant } from '../db/tenant';
import { z } from 'zod';
import type { Cache } from '../adapters/cache/types';
import { getJson, setJson } from '../adapters/cache/types';
import type { Embedder } from '../adapters/embedder/types';
import { AppError, notFound } from '../errors';
import { isUuid } from './clients';
import { bumpClientGeneration, clientGeneration } from './query-cache';
import { normaliseQuestion } from './questions';

/**
 * Written answers (Q&A): answers a site's owner writes for questions the documents miss. A
 * visitor question matches one when its normalised wording is the same (questions.ts), or when
 * the written question is the nearest by embedding with cosine similarity of at least
 * `WRITTEN_ANSWER_MIN_SIMILARITY`.
 *
 * Threshold 0.8, and why: a written answer is given verbatim and cited as the owner's own word,
 * so a wrong match is worse than falling back to the documents. Measured with the offline embedder
 * (local-hash-v1, which weighs content words): rewordings that differ in function words score 1.0
 * ("Do you ship to Mars?" / "Can you ship to Mars?"); a question with one more content word 0.77–0.80
 * ("… opening hours" / "… opening hours on Sunday?", which may deserve another answer); different
 * questions that share most words 0.37–0.65 ("standard" / "express shipping to Norway" 0.65).
 * 0.8 keeps the last two groups out (written-answers.test.ts pins these pairs). OpenAI
 * text-embedding-3 models place close paraphrases above 0.8 as well, so the same bar holds; below
 * it the documents answer as before.
 */
export const WRITTEN_ANSWER_MIN_SIMILARITY = 0.8;
/** Written answers per site: enough for a FAQ, small enough to compare in memory on every question. */
export const MAX_WRITTEN_ANSWERS = 500;

export const writtenAnswerInputSchema = z.object({
  question: z
    .string({ required_error: 'Write the question visitors ask.' })
    .trim()
    .min(1, 'Write the question visitors ask.')
    .max(500, 'Keep the question to 500 characters.'),
  answer: z
    .string({ required_error: 'Write the answer.' })
    .trim()
    .min(1, 'Write the answer.')
    .max(4000, 'Keep the answer to 4000 characters.'),
});

export interface WrittenAnswer {
  id: string;
  question: string;
  answer: string;
  createdAt: string;
  updatedAt: string;
}

const toView = (row: Record<string, any>): WrittenAnswer => ({
  id: row.id,
  question: row.question,
  answer: row.answer,
  createdAt: new Date(row.created_at).toISOString(),
  updatedAt: new Date(row.updated_at).toISOString(),
});

export interface WrittenAnswerDeps {
  knex: Knex;
  cache: Cache;
  embedder: Embedder;
}

function parseInput(input: unknown, partial = false) {
  const schema = partial ? writtenAnswerInputSchema.partial() : writtenAnswerInputSchema;
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success)
    throw new AppError({
      code: 'invalid_input',
      status: 400,
      message: parsed.error.issues[0]?.message ?? 'Invalid written answer.',
    });
  const data = parsed.data as Partial<z.infer<typeof writtenAnswerInputSchema>>;
  if (data.question !== undefined && !normaliseQuestion(data.question)) {
    throw new AppError({
      code: 'invalid_input',
      status: 400,
      message: 'The question needs some words, not only punctuation.',
    });
  }
  return data;
}

const duplicate = () =>
  new AppError({
    code: 'written_answer_exists',
    status: 409,
    message: 'There is already a written answer for this question. Edit that one instead.',
  });

async function embedQuestion(embedder: Embedder, question: string) {
  const [vector] = await embedder.embed([question]);
  return vector;
}

/** Adds a written answer; it answers visitors at once. @throws 409 for a question already answered (same normalised wording). */
export async function createWrittenAnswer(
  deps: WrittenAnswerDeps,
  { clientId, input }: { clientId: string; input: unknown },
): Promise<WrittenAnswer> {
  const data = parseInput(input) as z.infer<typeof writtenAnswerInputSchema>;
  const [{ count }] = await deps
    .knex('written_answers')
    .where({ client_id: clientId })
    .count<{ count: string }[]>({ count: '*' });
  if (Number(count) >= MAX_WRITTEN_ANSWERS) {
    throw new AppError({
      code: 'too_many_written_answers',
      status: 409,
      message: `A site can have up to ${MAX_WRITTEN_ANSWERS} written answers. Delete some you no longer need.`,
    });
  }
  const embedding = await embedQuestion(deps.embedder, data.question);
  const now = new Date();
  const inserted = await deps
    .knex('written_answers')
    .insert({
      id: randomUUID(),
      client_id: clientId,
      question: data.question,
      question_normalised: normaliseQuestion(data.question),
      answer: data.answer,
      embedding,
      embedding_model: deps.embedder.model,
      created_at: now,
      updated_at: now,
    })
    .onConflict(['client_id', 'question_normalised'])
    .ignore()
    .returning('*');
  if (!inserted.length) throw duplicate();
  await bumpClientGeneration(deps.cache, clientId);
  return toView(inserted[0]);
}

async function listWrittenAnswersAsTenant(knex: Knex, { clientId }: { clientId: string }): Promise<WrittenAnswer[]> {
  const rows = await knex('written_answers').where({ client_id: clientId }).orderBy('created_at', 'desc');
  return rows.map(toView);
}

/** As `listWrittenAnswersAsTenant`, inside `withTenant` (core/db/tenant.ts): row-level security as a second wall. */
export const listWrittenAnswers = (knex: Knex, args: { clientId: string }) =>
  withTenant(knex, args.clientId, (trx) => listWrittenAnswersAsTenant(trx, args));

/** Edits question and/or answer; effective at once (the client's query-cache generation is bumped). */
export async function updateWrittenAnswer(
  deps: WrittenAnswerDeps,
  { clientId, answerId, input }: { clientId: string; answerId: string; input: unknown },
): Promise<WrittenAnswer> {
  if (!isUuid(answerId)) throw notFound('written answer');
  const data = parseInput(input, true);
  const existing = await deps.knex('written_answers').where({ id: answerId, client_id: clientId }).first();
  if (!existing) throw notFound('written answer');
  const patch: Record<string, unknown> = { updated_at: new Date() };
  if (data.answer !== undefined) patch.answer = data.answer;
  if (data.question !== undefined) {
    patch.question = data.question;
    patch.question_normalised = normaliseQuestion(data.question);
    patch.embedding = await embedQuestion(deps.embedder, data.question);
    patch.embedding_model = deps.embedder.model;
  }
  let rows;
  try {
    rows = await deps.knex('written_answers').where({ id: answerId, client_id: clientId }).update(patch).returning('*');
  } catch (error) {
    if ((error as { code?: string }).code === '23505') throw duplicate();
    throw error;
  }
  await bumpClientGeneration(deps.cache, clientId);
  return toView(rows[0]);
}

/** Deletes a written answer; it stops answering at once. */
export async function deleteWrittenAnswer(
  deps: Pick<WrittenAnswerDeps, 'knex' | 'cache'>,
  { clientId, answerId }: { clientId: string; answerId: string },
): Promise<void> {
  if (!isUuid(answerId)) throw notFound('written answer');
  const deleted = await deps.knex('written_answers').where({ id: answerId, client_id: clientId }).delete();
  if (!deleted) throw notFound('written answer');
  await bumpClientGeneration(deps.cache, clientId);
}

interface MatchableAnswer {
  id: string;
  question: string;
  normalised: string;
  answer: string;
  embedding: number[];
}

const CACHE_TTL_SECONDS = 300;

/**
 * Parsed lists per `qa:<clientId>:<generation>` in this process: the shared cache holds the JSON
 * (hundreds of 1024-float vectors are megabytes to parse), this holds the objects. The generation
 * is still read from the shared cache on every question, so an edit in any process is seen at once.
 */
const parsedAnswers = new LRUCache<string, MatchableAnswer[]>({ max: 500, ttl: CACHE_TTL_SECONDS * 1000 });

/** The client's written answers with current-model embeddings, cached under the client's query-cache generation. */
async function matchableAnswers(deps: WrittenAnswerDeps, clientId: string): Promise<MatchableAnswer[]> {
  const key = `qa:${deps.embedder.model}:${clientId}:${await clientGeneration(deps.cache, clientId)}`;
  const local = parsedAnswers.get(key);
  if (local) return local;
  const cached = await getJson<MatchableAnswer[]>(deps.cache, key).catch(() => null);
  if (cached) {
    parsedAnswers.set(key, cached);
    return cached;
  }
  const rows = await deps
    .knex('written_answers')
    .where({ client_id: clientId })
    .select('id', 'question', 'question_normalised', 'answer', 'embedding', 'embedding_model');
  const stale = rows.filter((row) => row.embedding_model !== deps.embedder.model || !row.embedding);
  if (stale.length) {
    // Written under another embedding model: re-embedded once, then stored.
    const vectors = await deps.embedder.embed(stale.map((row) => row.question));
    for (const [index, row] of stale.entries()) {
      row.embedding = vectors[index];
      await deps
        .knex('written_answers')
        .where({ id: row.id })
        .update({ embedding: vectors[index], embedding_model: deps.embedder.model });
    }
  }
  const answers = rows.map((row) => ({
    id: row.id,
    question: row.question,
    normalised: row.question_normalised,
    answer: row.answer,
    embedding: row.embedding.map(Number),
  }));
  await setJson(deps.cache, key, answers, CACHE_TTL_SECONDS).catch(() => undefined);
  parsedAnswers.set(key, answers);
  return answers;
}

const dot = (a: number[], b: number[]) => a.reduce((sum, value, index) => sum + value * (b[index] ?? 0), 0);

export interface WrittenAnswerMatch {
  id: string;
  question: string;
  answer: string;
  /** 1 for the same normalised wording, else the cosine similarity of the question embeddings. */
  score: number;
}

/**
 * The written answer for a visitor question, or null. Exact normalised wording first; else the
 * nearest written question by embedding when at or above `WRITTEN_ANSWER_MIN_SIMILARITY`
 * (embeddings are L2-normalised, so the dot product is the cosine). Never throws: on any failure
 * the chat answers from documents as before.
 */
export async function matchWrittenAnswer(
  deps: WrittenAnswerDeps,
  { clientId, question }: { clientId: string; question: string },
): Promise<WrittenAnswerMatch | null> {
  try {
    const answers = await matchableAnswers(deps, clientId);
    if (!answers.length) return null;
    const normalised = normaliseQuestion(question);
    const exact = answers.find((answer) => answer.normalised === normalised);
    if (exact) return { id: exact.id, question: exact.question, answer: exact.answer, score: 1 };
    const [vector] = await deps.embedder.embed([question]);
    let best: MatchableAnswer | null = null;
    let bestScore = -1;
    for (const answer of answers) {
      const score = dot(vector, answer.embedding);
      if (score > bestScore) [best, bestScore] = [answer, score];
    }
    return best && bestScore >= WRITTEN_ANSWER_MIN_SIMILARITY
      ? { id: best.id, question: best.question, answer: best.answer, score: Number(bestScore.toFixed(4)) }
      : null;
  } catch {
    return null;
  }
}

/** The source a written answer is cited as: `filename: "Q&A"`. */
export function writtenAnswerSource(match: WrittenAnswerMatch) {
  return {
    documentId: match.id,
    filename: 'Q&A',
    chunkIndex: 0,
    page: null,
    score: match.score,
    snippet: match.question,
    title: null,
    url: null,
  };
}

/** Usage of a written answer: no model ran. */
export const WRITTEN_ANSWER_MODEL = 'written-answer';

/** The chat events of a written answer: the whole text, the "Q&A" source, done with `grounded: true`, kind `written`. */
export function* writtenAnswerEvents(match: WrittenAnswerMatch) {
  yield { type: 'token' as const, text: match.answer };
  yield { type: 'sources' as const, sources: [writtenAnswerSource(match)] };
  yield {
    type: 'done' as const,
    usage: { model: WRITTEN_ANSWER_MODEL, tokensIn: 0, tokensOut: 0, cachedTokens: 0 },
    answer: match.answer,
    grounded: true,
    replyKind: 'written' as const,
  };
}
