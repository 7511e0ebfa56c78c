// cl100k_base is the tokenizer of OpenAI's text-embedding-3 models, the embedders chunks are
// sized for; other embedders' tokenizers land within a few percent of it on prose.
import { countTokens as countCl100kTokens, decode, encode as encodeCl100k } from 'gpt-tokenizer/encoding/cl100k_base';
import type { ParsedSection, TextChunk } from './types';

export const DEFAULT_MAX_TOKENS = 500;
export const DEFAULT_OVERLAP_TOKENS = 50;

export interface ChunkOptions {
  maxTokens?: number;
  overlapTokens?: number;
}

// Documents may contain "<|endoftext|>" and friends; they are text here, never control tokens.
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };
const encode = (text: string) => encodeCl100k(text, PLAIN_TEXT);
export const countTokens = (text: string): number => countCl100kTokens(text, PLAIN_TEXT);

/**
 * Intl.Segmenter slows down quadratically with input length (200 KB of text takes seconds),
 * so it only ever sees windows of this many characters, cut at whitespace.
 */
const SENTENCE_WINDOW_CHARS = 8000;
const WORD_LOOKBACK_CHARS = 200;
/**
 * BPE is quadratic in the length of one pre-token, and a run of letters without spaces (CJK,
 * base64, "=====") is one pre-token: 200 KB of Japanese would take minutes to count. Text with
 * such a run is never tokenized whole; it is cut into windows of at most this many characters.
 */
const LONG_RUN = /\S{1000,}/;
const MAX_WINDOW_CHARS = 4000;
const RATE_SAMPLE_CHARS = 1000;
const sentenceSegmenter = new Intl.Segmenter('en', { granularity: 'sentence' });
const wordSegmenter = new Intl.Segmenter('en', { granularity: 'word' });

/** A unit the packer never splits: a paragraph, or a sentence or word run of a long one. */
interface Piece {
  text: string;
  tokens: number;
  /** Put before this piece when it follows another: "\n\n" between paragraphs, "" inside one. */
  separator: string;
  page?: number;
  rowStart?: number;
  rowEnd?: number;
}

interface Overlap {
  text: string;
  tokens: number;
  /** The whitespace that followed this text in the source ("\n" or " "), to rejoin it. */
  joiner: string;
  page?: number;
  row?: number;
}

/**
 * Splits sections into chunks of at most `maxTokens` tokens, breaking between paragraphs when
 * possible, then between sentences, then between words. Each chunk after the first under the
 * same heading starts with about `overlapTokens` tokens from the end of the previous one. A chunk
 * never mixes text from under two headings; it keeps the first and last page and the row range
 * of the text it holds. Every text is tokenized a bounded number of times, so the cost is linear.
 */
export function chunkSections(sections: ParsedSection[], options: ChunkOptions = {}): TextChunk[] {
  const maxTokens = options.maxTokens ?? DEFAULT_MAX_TOKENS;
  const overlapTokens = options.overlapTokens ?? DEFAULT_OVERLAP_TOKENS;
  if (!Number.isInteger(maxTokens) || maxTokens < 16)
    throw new RangeError(`maxTokens must be an integer of at least 16, got ${maxTokens}`);
  if (!Number.isInteger(overlapTokens) || overlapTokens < 0 || overlapTokens * 2 > maxTokens) {
    throw new RangeError(
      `overlapTokens must be an integer from 0 to half of maxTokens (${maxTokens}), got ${overlapTokens}`,
    );
  }
  // Room for the overlap and a separator, so any single piece fits in a chunk after an overlap.
  const pieceBudget = maxTokens - overlapTokens - 2;

  const chunks: TextChunk[] = [];
  for (const group of groupByHeading(sections)) {
    const pieces = group.sections.flatMap((section) => sectionPieces(section, pieceBudget));
    packPieces(pieces, { maxTokens, overlapTokens, heading: group.heading }, chunks);
  }
  return chunks;
}

function groupByHeading(sections: ParsedSection[]): Array<{ heading?: string; sections: ParsedSection[] }> {
  const groups: Array<{ heading?: string; sections: ParsedSection[] }> = [];
  for (const section of sections) {
    const last = groups[groups.length - 1];
    if (last && last.heading === section.heading) last.sections.push(section);
    else groups.push({ heading: section.heading, sections: [section] });
  }
  return groups;
}

function packPieces(
  pieces: Piece[],
  { maxTokens, overlapTokens, heading }: { maxTokens: number; overlapTokens: number; heading?: string },
  chunks: TextChunk[],
): void {
  let overlap: Overlap | undefined;
  let current: Piece[] = [];
  let currentTokens = 0;

  const emit = () => {
    let taken = current;
    let carried = overlap;
    let text = render(carried, taken);
    let tokens = encode(text);
    // Pieces are measured one by one; joined, BPE may merge differently. Re-measure the whole
    // chunk once and give back trailing pieces (or the overlap) in the rare case it went over.
    const returned: Piece[] = [];
    while (tokens.length > maxTokens && (taken.length > 1 || carried)) {
      if (taken.length > 1) {
        returned.unshift(taken[taken.length - 1]);
        taken = taken.slice(0, -1);
      } else {
        carried = undefined;
      }
      text = render(carried, taken);
      tokens = encode(text);
    }
    chunks.push(
      toChunk({ index: chunks.length, text, tokenCount: tokens.length, pieces: taken, overlap: carried, heading }),
    );
    const trailingWhitespace = /\s*$/.exec(taken[taken.length - 1]?.text ?? '')?.[0] ?? '';
    overlap = overlapTokens > 0 ? tailOf(text, tokens, overlapTokens, chunks[chunks.length - 1]) : undefined;
    if (overlap && trailingWhitespace.includes('\n')) overlap.joiner = '\n';
    current = [];
    currentTokens = overlap?.tokens ?? 0;
    for (const piece of returned) add(piece);
  };

  const add = (piece: Piece) => {
    const cost = piece.tokens + (current.length > 0 || overlap ? 1 : 0);
    if (current.length > 0 && currentTokens + cost > maxTokens) {
      emit();
      add(piece);
      return;
    }
    current.push(piece);
    currentTokens += cost;
  };

  for (const piece of pieces) add(piece);
  if (current.length > 0) emit();
}

function render(overlap: Overlap | undefined, pieces: Piece[]): string {
  let text = overlap?.text ?? '';
  pieces.forEach((piece, index) => {
    if (text) text += piece.separator || (index === 0 && overlap ? overlap.joiner : /\s$/.test(text) ? '' : ' ');
    text += piece.text;
  });
  return text.trim();
}

function toChunk({
  index,
  text,
  tokenCount,
  pieces,
  overlap,
  heading,
}: {
  index: number;
  text: string;
  tokenCount: number;
  pieces: Piece[];
  overlap?: Overlap;
  heading?: string;
}): TextChunk {
  const chunk: TextChunk = { index, text, tokenCount };
  const pages = [overlap?.page, ...pieces.map((piece) => piece.page)].filter(
    (page): page is number => page !== undefined,
  );
  if (pages.length > 0) {
    chunk.page = Math.min(...pages);
    chunk.pageEnd = Math.max(...pages);
  }
  const rowStarts = [overlap?.row, ...pieces.map((piece) => piece.rowStart)].filter(
    (row): row is number => row !== undefined,
  );
  const rowEnds = [overlap?.row, ...pieces.map((piece) => piece.rowEnd)].filter(
    (row): row is number => row !== undefined,
  );
  if (rowStarts.length > 0) chunk.rowStart = Math.min(...rowStarts);
  if (rowEnds.length > 0) chunk.rowEnd = Math.max(...rowEnds);
  if (heading !== undefined) chunk.heading = heading;
  return chunk;
}

/**
 * The last ~`overlapTokens` tokens of a chunk, starting at a word boundary (or a sentence start
 * when one is close), to open the next chunk with.
 */
function tailOf(text: string, tokens: number[], overlapTokens: number, chunk: TextChunk): Overlap | undefined {
  if (tokens.length <= overlapTokens) return undefined;
  // A token can end in the middle of a multi-byte character: decoding leaves U+FFFD there.
  let tail = decode(tokens.slice(-overlapTokens)).replace(/^\uFFFD+/, '');
  const startsMidWord = !text.endsWith(tail) || !/\s/.test(text[text.length - tail.length - 1] ?? ' ');
  if (startsMidWord) {
    const firstSpace = tail.search(/\s/);
    if (firstSpace > 0) tail = tail.slice(firstSpace);
  }
  const sentenceEnd = /[.!?。！？]["'”’)\]]*\s+/.exec(tail);
  if (sentenceEnd && sentenceEnd.index + sentenceEnd[0].length < tail.length / 2) {
    tail = tail.slice(sentenceEnd.index + sentenceEnd[0].length);
  }
  tail = tail.trim();
  if (!tail) return undefined;
  return { text: tail, tokens: countTokens(tail), joiner: ' ', page: chunk.pageEnd, row: chunk.rowEnd };
}

function sectionPieces(section: ParsedSection, budget: number): Piece[] {
  const where = { page: section.page, rowStart: section.rowStart, rowEnd: section.rowEnd };
  const pieces: Piece[] = [];
  for (const rawParagraph of section.text.split(/\n[ \t]*\n\s*/)) {
    const paragraph = rawParagraph.trim();
    if (!paragraph) continue;
    const tokens = LONG_RUN.test(paragraph) ? Number.POSITIVE_INFINITY : countTokens(paragraph);
    if (tokens <= budget) {
      pieces.push({ text: paragraph, tokens, separator: '\n\n', ...where });
      continue;
    }
    let separator = '\n\n';
    for (const sentence of sentences(paragraph)) {
      const sentenceTokens = LONG_RUN.test(sentence) ? Number.POSITIVE_INFINITY : countTokens(sentence);
      if (sentenceTokens <= budget) {
        pieces.push({ text: sentence, tokens: sentenceTokens, separator, ...where });
      } else {
        for (const [index, run] of wordRuns(sentence, budget).entries()) {
          pieces.push({ ...run, separator: index === 0 ? separator : '', ...where });
        }
      }
      separator = '';
    }
  }
  return pieces;
}

/** Sentences with their trailing whitespace, so joining them gives back the paragraph. */
function* sentences(text: string): Generator<string> {
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + SENTENCE_WINDOW_CHARS);
    if (end < text.length) end = lastBreakBefore(text, end, start + SENTENCE_WINDOW_CHARS / 2);
    for (const { segment } of sentenceSegmenter.segment(text.slice(start, end))) yield segment;
    start = end;
  }
}

/** Index just after the last whitespace in text[floor, end), or `end` when there is none. */
function lastBreakBefore(text: string, end: number, floor: number): number {
  for (let index = end - 1; index >= floor; index--) {
    if (/\s/.test(text[index])) return index + 1;
  }
  return end;
}

/**
 * Cuts a sentence longer than the budget into runs of whole words that fit: each run is sized
 * from the sentence's characters per token, measured, and shrunk until it fits.
 */
function wordRuns(sentence: string, budget: number): Array<{ text: string; tokens: number }> {
  const runs: Array<{ text: string; tokens: number }> = [];
  const sample = sentence.slice(0, wordBoundaryBefore(sentence, Math.min(sentence.length, RATE_SAMPLE_CHARS)));
  const charsPerToken = sample.length / Math.max(1, countTokens(sample));
  let target = Math.min(MAX_WINDOW_CHARS, Math.max(1, Math.floor(budget * charsPerToken * 0.9)));
  let position = 0;
  while (position < sentence.length) {
    const remaining = sentence.slice(position);
    let run = remaining.length <= target ? remaining : remaining.slice(0, wordBoundaryBefore(remaining, target));
    let tokens = countTokens(run);
    while (tokens > budget && run.length > 1) {
      target = Math.max(1, Math.floor(run.length * 0.85));
      run = remaining.slice(0, wordBoundaryBefore(remaining, target));
      tokens = countTokens(run);
    }
    runs.push({ text: run, tokens });
    position += run.length;
  }
  return runs;
}

/** The largest cut ≤ `limit` that falls between words (or at least between characters). */
function wordBoundaryBefore(text: string, limit: number): number {
  const whitespaceCut = lastBreakBefore(text, limit, Math.floor(limit / 2));
  if (whitespaceCut < limit) return whitespaceCut;
  // No space nearby (CJK, URLs, base64): ask the word segmenter about the last stretch only.
  const lookbackStart = Math.max(0, limit - WORD_LOOKBACK_CHARS);
  let cut = 0;
  for (const { index } of wordSegmenter.segment(text.slice(lookbackStart, limit))) {
    if (index > 0) cut = lookbackStart + index;
  }
  if (cut > limit / 2) return cut;
  // Never split a surrogate pair.
  const code = text.charCodeAt(limit - 1);
  return code >= 0xd800 && code <= 0xdbff && limit > 1 ? limit - 1 : limit;
}
