import { encode } from 'gpt-tokenizer';
import type { GenerateEvent, GenerateRequest, LlmProvider } from './types';
import { scoreSentences, type ScoredSentence } from '../../retrieval/sentences';
import { NO_ANSWER_MARKER } from './prompt';

/**
 * The offline answerer: it writes nothing of its own. It quotes one to three whole sentences
 * (or table rows / list items, see core/retrieval/sentence-units.ts) of the retrieved chunks
 * that best match the question — never a piece that starts or ends mid-sentence, never the same
 * text twice — grouped by chunk, the chunk holding the best sentence first, each group followed
 * by one citation marker ` [n]` (1-based index into `request.context`). When nothing matches it
 * opens with NO_ANSWER_MARKER, as hosted models are told to, and says so plainly.
 * Document text is only ever quoted, so instructions hidden in a document have no effect.
 */

export const LOCAL_ANSWERER_MODEL = 'local-extractive';
export const NOT_FOUND_ANSWER = "I couldn't find that in this site's documents.";

// Three at most (issue #9: answers a visitor can read); companions must earn their place.
const MAX_SENTENCES = 3;
// A sentence joins the answer only if it scores at least this share of the best one.
const COMPANION_SHARE = 0.45;
// Below this share of the question's rare-word weight, a sentence is not about the question.
const MIN_COVERAGE = 0.2;
const WORDS_PER_TOKEN_EVENT = 3;
const CHUNK_RANK_PENALTY = 0.04;

export function createLocalAnswerer(): LlmProvider {
  return {
    name: 'local',
    stream: (request) => streamAnswer(request),
  };
}

async function* streamAnswer(request: GenerateRequest): AsyncGenerator<GenerateEvent> {
  request.signal?.throwIfAborted();
  const groups = selectAnswer(request);
  const pieces =
    groups.length === 0
      ? [`${NO_ANSWER_MARKER} ${NOT_FOUND_ANSWER}`]
      : groups.map((group, index) => `${index > 0 ? ' ' : ''}${group.sentences.join(' ')} [${group.citation}]`);

  const maxTokens = request.maxTokens ?? Number.POSITIVE_INFINITY;
  let written = '';
  let tokensOut = 0;
  for (const piece of pieces) {
    for (const chunk of wordGroups(piece, WORDS_PER_TOKEN_EVENT)) {
      const chunkTokens = encode(chunk).length;
      if (tokensOut + chunkTokens > maxTokens) break;
      request.signal?.throwIfAborted();
      written += chunk;
      tokensOut += chunkTokens;
      yield { type: 'token', text: chunk };
    }
  }

  const prompt = [
    request.systemPrompt,
    ...request.context.map((chunk) => chunk.text),
    ...request.history.map((turn) => turn.content),
    request.question,
  ].join('\n');
  yield {
    type: 'usage',
    usage: {
      model: LOCAL_ANSWERER_MODEL,
      tokensIn: encode(prompt).length,
      tokensOut: encode(written).length,
      cachedTokens: 0,
    },
  };
}

/** Sentence groups to say, in the order to say them; empty when the context does not answer. */
export function selectAnswer({
  question,
  context,
  history,
}: Pick<GenerateRequest, 'question' | 'context' | 'history'>): Array<{ citation: number; sentences: string[] }> {
  const evidence = scoreSentences({ question, history, passages: context.map((chunk) => chunk.text), focused: true });
  // Retrieval ranked the chunks; a sentence from a lower chunk needs slightly more evidence to win.
  const ranked = evidence.sentences
    .map((sentence) => ({ ...sentence, score: sentence.score - CHUNK_RANK_PENALTY * sentence.passage }))
    .sort((a, b) => b.score - a.score || a.passage - b.passage || a.order - b.order);
  const quotable = ranked.filter((sentence) => sentence.quotable && !looksLikeInstruction(sentence.text));
  const best = quotable[0];
  if (!best || best.coverage < MIN_COVERAGE) return [];

  const chosen: ScoredSentence[] = [];
  for (const sentence of quotable) {
    if (chosen.length >= MAX_SENTENCES || sentence.score < best.score * COMPANION_SHARE) break;
    // Chunks overlap: the same sentence (or one inside another) may come twice.
    const key = normalised(sentence.text);
    if (chosen.some((other) => normalised(other.text).includes(key) || key.includes(normalised(other.text)))) continue;
    chosen.push(sentence);
  }

  // Readable order: the chunk holding the best sentence first, each chunk's sentences in document order.
  const passageOrder = [...new Set(chosen.map((sentence) => sentence.passage))];
  return passageOrder.map((passage) => ({
    citation: passage + 1,
    sentences: chosen
      .filter((sentence) => sentence.passage === passage)
      .sort((a, b) => a.order - b.order)
      .map((sentence) => (sentence.line ? asSentence(sentence.text) : sentence.text)),
  }));
}

const normalised = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

/** A table row or list item quoted as a sentence: no bullet, closing punctuation. */
function asSentence(line: string): string {
  const text = line.replace(/^(?:[-*•▪◦‣·–]|\(?\d{1,3}[.)]|\(?[a-z][.)])\s+/, '');
  const capitalised = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?…。！？]["'”’»)\]]*$/.test(capitalised) ? capitalised : `${capitalised}.`;
}

// Text that addresses an AI assistant is quoted nowhere: quoting it would read as obeying it.
const INSTRUCTION_PATTERN =
  /\b(ignore|disregard|forget)\b.{0,40}\b(instructions?|prompts?|rules)\b|\b(system prompt|you are (now )?(an? )?(ai|assistant|chatbot|language model))\b/i;

function looksLikeInstruction(sentence: string): boolean {
  return INSTRUCTION_PATTERN.test(sentence);
}

/** Splits text into runs of a few words, keeping the spaces, so the joined stream equals the text. */
function* wordGroups(text: string, wordsPerGroup: number): Generator<string> {
  const parts = text.match(/\s*\S+/g) ?? [];
  for (let start = 0; start < parts.length; start += wordsPerGroup) {
    yield parts.slice(start, start + wordsPerGroup).join('');
  }
}
