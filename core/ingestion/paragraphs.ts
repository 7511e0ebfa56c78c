import { type DocumentVocabulary, endsWithSplitWord, joinLines } from './dehyphenate';

/** One printed line, with what the format-specific layout knows about it. */
export interface PrintedLine {
  text: string;
  /**
   * The line was broken because the next word did not fit: its end plus the next line's first
   * word reaches past the block's right edge (PDF: by geometry; TXT: by character count).
   */
  full: boolean;
  /** The line fills most of its block's width (≥ 60%): body text, not a label or a short item. */
  long: boolean;
  /** The layout saw a paragraph break before this line (a gap, a font change, an indent, a new column). */
  breakBefore: boolean;
  /** A table row or form line by its layout (cells): never joined with another line. */
  ownLine?: boolean;
  /** A heading by its font: joined only with the next heading line of the same paragraph (a title over two lines). */
  heading?: boolean;
}

/** A list item: bullet, "1.", "1)", "a)", "(iv)", "•". */
export const LIST_ITEM = /^(?:[-*+•◦▪‣●○■□–—]\s|\(?(?:\d{1,3}|[a-z]|[ivxlc]{1,5})[.)]\s)/iu;
/** Markdown heading, a table row with pipes, or cells separated by runs of spaces or tabs. */
const STRUCTURAL = /^#{1,6}\s|\|.*\||\S(?: {3,}|\t)\S/;
/** Sentence-final punctuation, optionally followed by closing quotes or brackets. */
const TERMINAL = /[.!?:;…。！？]["'”’)\]]*$/u;

/**
 * Joins printed lines into paragraphs (one string each), undoing line-end hyphenation. Lines that
 * stay on their own: headings and table rows (`ownLine`), list items (a wrapped item still takes
 * its continuation lines). For each pair of consecutive lines A, B the first rule that applies wins:
 *
 * 1. A ends with a letter and a hyphen and B starts with a lowercase letter → join as one word (dehyphenate.ts decides whether the hyphen stays: "warran-|ty" →
 *    "warranty", "forty-|five"), even across a layout break or out of a table row.
 * 2. A or B is `ownLine` → break; two `heading` lines join only each other, without a layout break.
 * 3. B starts a paragraph by layout (`breakBefore`), is a list item or structural → break.
 * 4. A is `full` (B's first word would not have fit on A) → join.
 * 5. A ends with sentence punctuation → break (A ended early, at a sentence end: a paragraph end).
 * 6. A is `long`, or B starts with a lowercase letter → join (the sentence goes on).
 * 7. Otherwise → break (A ended early: the writer broke the line).
 */
export function joinPrintedLines(lines: readonly PrintedLine[], vocabulary: DocumentVocabulary): string[] {
  return joinedUnits(lines, vocabulary).map((unit) => unit.text);
}

/**
 * joinPrintedLines as one text: paragraphs separated by a blank line (the chunker's paragraph
 * break); runs of lines that stay on their own (list items, table rows, headings, short lines)
 * separated by a single newline, so a list or a table stays together.
 */
export function joinPrintedLinesAsText(lines: readonly PrintedLine[], vocabulary: DocumentVocabulary): string {
  let text = '';
  let previousWasLine = false;
  for (const unit of joinedUnits(lines, vocabulary)) {
    const isLine = unit.printedLines === 1 && (unit.ownLine || !unit.long || LIST_ITEM.test(unit.text));
    if (text) text += isLine && previousWasLine ? '\n' : '\n\n';
    text += unit.text;
    previousWasLine = isLine;
  }
  return text;
}

interface Unit {
  text: string;
  printedLines: number;
  ownLine: boolean;
  long: boolean;
}

function joinedUnits(lines: readonly PrintedLine[], vocabulary: DocumentVocabulary): Unit[] {
  const out: Unit[] = [];
  let current: Unit | undefined;
  let previous: PrintedLine | undefined;
  for (const line of lines) {
    const text = line.text.trim();
    if (!text) continue;
    if (current && previous && continues(previous, { ...line, text })) {
      current.text = joinLines(current.text, previous.text, text, vocabulary);
      current.printedLines++;
    } else {
      if (current) out.push(current);
      current = { text, printedLines: 1, ownLine: line.ownLine === true || line.heading === true, long: line.long };
    }
    previous = { ...line, text };
  }
  if (current) out.push(current);
  return out;
}

function continues(a: PrintedLine, b: PrintedLine): boolean {
  // A word split at a line end goes on in the next line even across a column or a paragraph gap,
  // and out of a table row into the wrapped rest of its cell.
  if (endsWithSplitWord(a.text, b.text)) return true;
  if (a.ownLine || b.ownLine) return false;
  if (a.heading || b.heading) return a.heading === b.heading && !b.breakBefore && !TERMINAL.test(a.text);
  if (b.breakBefore) return false;
  if (LIST_ITEM.test(b.text) || STRUCTURAL.test(b.text) || STRUCTURAL.test(a.text)) return false;
  if (a.full) return true;
  if (TERMINAL.test(a.text)) return false;
  return a.long || /^\p{Ll}/u.test(b.text);
}

/** Length of the first word of a line (for the "would it have fit" test), in characters. */
export function firstWordLength(text: string): number {
  return /^\S+/.exec(text.trim())?.[0].length ?? 0;
}
