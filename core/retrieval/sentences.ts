import type { ChatTurn } from '../adapters/llm/types';
import { hasPrefixMatch } from './question';
import { sentenceUnits } from './sentence-units';
import { splitWords, type Word } from './terms';

/**
 * Sentence-level evidence for a question over a few retrieved passages: which sentences hold
 * the question's rare words close together, and the kind of thing asked for (a date for "when",
 * a number for "how many", a name for "who"). The local answerer quotes the best sentences; the
 * reranker scores each passage by its best sentence, since an answer usually sits in one.
 */

export type ExpectedAnswer = 'time' | 'quantity' | 'name' | 'other';

export interface ScoredSentence {
  /** Index of the passage the sentence comes from. */
  passage: number;
  /** Position of the sentence within its passage. */
  order: number;
  text: string;
  /** Share of the question's term weight the sentence holds, on [0, 1]. */
  coverage: number;
  /** Coverage plus proximity and answer-type evidence, minus a length penalty; comparable within one question. */
  score: number;
  /** A whole sentence, table row or list item (sentence-units.ts), fit to quote as it is. */
  quotable: boolean;
  /** A table row or list item rather than a punctuated sentence. */
  line: boolean;
}

export interface SentenceEvidence {
  sentences: ScoredSentence[];
  /** False when the question has no word to match on (empty, or only stopwords the documents lack). */
  hasTerms: boolean;
}

// Very long "sentences" (run-on text, extraction without punctuation) match by sheer size; they
// are cut into pieces for scoring, and such pieces are not quotable.
const MAX_SENTENCE_WORDS = 100;
// Chosen on the offline benchmark; none is sharp (±50% moves recall@5 by under a point).
const WEIGHTS = {
  proximity: 0.15,
  answerType: 0.2,
  partialMatch: 0.5,
  borrowedTerm: 0.5,
  answerTypeNoun: 0.3,
} as const;

interface AnalysedSentence {
  passage: number;
  order: number;
  text: string;
  quotable: boolean;
  line: boolean;
  words: readonly Word[];
  stems: Set<string>;
}

interface QuestionTerms {
  /** Stem → weight (IDF over the passages' sentences; terms borrowed from history weigh less). */
  weights: Map<string, number>;
  totalWeight: number;
  expected: ExpectedAnswer;
  /** Lower-cased surface words of the question, to tell new information from echoed words. */
  surface: Set<string>;
}

/**
 * `focused`: the passages are the few best for the question (the answerer's context), so the
 * question's topic word fills many of their sentences and must keep real weight. Otherwise (a
 * broad candidate pool, as in reranking) rarity among the sentences is trusted as BM25 would.
 */
export function scoreSentences({
  question,
  passages,
  history = [],
  focused = false,
}: {
  question: string;
  passages: string[];
  history?: ChatTurn[];
  focused?: boolean;
}): SentenceEvidence {
  const sentences = passages.flatMap((text, passage) => splitSentences(text, passage));
  const terms = questionTerms({ question, history, sentences, focused });
  if (terms.totalWeight === 0) return { sentences: [], hasTerms: false };
  return {
    hasTerms: true,
    sentences: sentences.map((sentence) => {
      const coverage = coverageOf(sentence, terms);
      return {
        passage: sentence.passage,
        order: sentence.order,
        text: sentence.text,
        quotable: sentence.quotable,
        line: sentence.line,
        coverage,
        score:
          coverage === 0
            ? 0
            : coverage +
              WEIGHTS.proximity * proximity(sentence, terms) +
              WEIGHTS.answerType * answerTypeEvidence(sentence, terms) -
              lengthPenalty(sentence.words.length),
      };
    }),
  };
}

function splitSentences(text: string, passage: number): AnalysedSentence[] {
  const sentences: AnalysedSentence[] = [];
  for (const unit of sentenceUnits(text)) {
    const pieces = capLength(unit.text);
    for (const piece of pieces) {
      const words = splitWords(piece);
      if (words.length === 0) continue;
      sentences.push({
        passage,
        order: sentences.length,
        text: piece,
        quotable: unit.quotable && pieces.length === 1,
        line: unit.line,
        words,
        stems: new Set(words.filter((word) => !word.stopword).map((word) => word.stem)),
      });
    }
  }
  return sentences;
}

function capLength(sentence: string): string[] {
  if (sentence === '') return [];
  const words = sentence.split(' ');
  if (words.length <= MAX_SENTENCE_WORDS) return [sentence];
  const pieces: string[] = [];
  for (let start = 0; start < words.length; start += MAX_SENTENCE_WORDS) {
    pieces.push(words.slice(start, start + MAX_SENTENCE_WORDS).join(' '));
  }
  return pieces;
}

function questionTerms({
  question,
  history,
  sentences,
  focused,
}: {
  question: string;
  history: ChatTurn[];
  sentences: AnalysedSentence[];
  focused: boolean;
}): QuestionTerms {
  const questionWords = splitWords(question);
  const contentWords = questionWords.filter((word) => !word.stopword);
  // "Who is he?" is all stopwords; matching on them beats refusing outright.
  const own = (contentWords.length > 0 ? contentWords : questionWords).map((word) => word.stem);
  // A bare follow-up ("and when was it built?") borrows the topic of the previous question.
  const previousQuestion = [...history].reverse().find((turn) => turn.role === 'user')?.content;
  const borrowed =
    contentWords.length < 2 && previousQuestion
      ? splitWords(previousQuestion)
          .filter((word) => !word.stopword)
          .map((word) => word.stem)
      : [];

  const documentFrequency = new Map<string, number>();
  for (const sentence of sentences) {
    for (const stem of sentence.stems) documentFrequency.set(stem, (documentFrequency.get(stem) ?? 0) + 1);
  }
  const idf = (stem: string) => {
    const frequency = documentFrequency.get(stem) ?? 0;
    return focused
      ? Math.log(1 + (sentences.length + 1) / (frequency + 0.5))
      : Math.log(1 + (sentences.length - frequency + 0.5) / (frequency + 0.5));
  };

  const answerTypeStem = answerTypeNoun(questionWords)?.stem;
  const weights = new Map<string, number>();
  for (const stem of own) weights.set(stem, idf(stem) * (stem === answerTypeStem ? WEIGHTS.answerTypeNoun : 1));
  for (const stem of borrowed) if (!weights.has(stem)) weights.set(stem, WEIGHTS.borrowedTerm * idf(stem));

  return {
    weights,
    totalWeight: [...weights.values()].reduce((sum, weight) => sum + weight, 0),
    expected: expectedAnswer(questionWords.map((word) => word.text)),
    surface: new Set(questionWords.map((word) => word.text)),
  };
}

/**
 * The word right after "what"/"which" usually names the kind of answer ("what country",
 * "which year"), and the answer sentence says "France" or "1066" instead: it counts for less.
 */
function answerTypeNoun(words: readonly Word[]): Word | undefined {
  const index = words.findIndex((word) => word.text === 'what' || word.text === 'which');
  const next = index >= 0 ? words[index + 1] : undefined;
  return next && !next.stopword ? next : undefined;
}

export function expectedAnswer(words: string[]): ExpectedAnswer {
  const text = ` ${words.join(' ')} `;
  if (/ (when|what year|which year|what century|which century|what date|what decade|how long ago) /.test(text))
    return 'time';
  if (/ how (many|much|long|old|far|big|large|tall|high|deep|wide|often|fast) /.test(text)) return 'quantity';
  if (/ (who|whom|whose|where) /.test(text)) return 'name';
  return 'other';
}

function coverageOf(sentence: AnalysedSentence, terms: QuestionTerms): number {
  let matched = 0;
  for (const [stem, weight] of terms.weights) {
    if (sentence.stems.has(stem)) matched += weight;
    else if (hasPrefixMatch(stem, sentence.stems)) matched += WEIGHTS.partialMatch * weight;
  }
  return terms.totalWeight > 0 ? matched / terms.totalWeight : 0;
}

/** How tightly the matched question words sit together: matched words / span they cover. */
function proximity(sentence: AnalysedSentence, terms: QuestionTerms): number {
  const positions = sentence.words
    .map((word, index) => (terms.weights.has(word.stem) ? index : -1))
    .filter((index) => index >= 0);
  if (positions.length < 2) return positions.length === 1 ? 0.5 : 0;
  const span = positions[positions.length - 1] - positions[0] + 1;
  return positions.length / span;
}

/** Does the sentence hold the kind of thing asked for, beyond the words of the question itself? */
function answerTypeEvidence(sentence: AnalysedSentence, terms: QuestionTerms): number {
  const fresh = sentence.words.filter((word) => !terms.surface.has(word.text));
  switch (terms.expected) {
    case 'time':
      return fresh.some((word) => TIME_WORD.test(word.text)) ? 1 : 0;
    case 'quantity':
      return fresh.some((word) => QUANTITY_WORD.test(word.text)) ? 1 : 0;
    case 'name':
      return fresh.some((word) => isCapitalised(sentence.text, word)) ? 1 : 0;
    case 'other':
      return 0;
  }
}

const TIME_WORD =
  /^(\d{3,4}s?|\d{1,2}(st|nd|rd|th)|january|february|march|april|may|june|july|august|september|october|november|december|centur(y|ies)|decades?|bc|ad|bce|ce)$/;
const QUANTITY_WORD =
  /^(\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundreds?|thousands?|millions?|billions?|dozens?|half|percent|km|miles?|metres?|meters?)$/;

/** A capital letter mid-sentence marks a name; the first word of a sentence proves nothing. */
function isCapitalised(sentenceText: string, word: Word): boolean {
  if (word.start === 0) return false;
  const first = sentenceText.slice(word.start, word.start + 1);
  return first !== first.toLowerCase();
}

function lengthPenalty(wordCount: number): number {
  return wordCount > 40 ? 0.002 * (wordCount - 40) : 0;
}
