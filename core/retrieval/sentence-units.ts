/**
 * Cuts a chunk's text into the units an answer may quote: whole sentences, and lines that stand
 * on their own (table rows as "Header: value; …", list items). Works on today's extracted text,
 * which may still be broken into printed lines: lines inside a paragraph are joined (a line-end
 * hyphen between two lower-case parts is undone: "exe-\ncuted" → "executed"), while list items,
 * table rows and short heading lines stay separate. Sentence boundaries come from
 * Intl.Segmenter (Unicode UAX #29), then breaks after common abbreviations ("Dr.", "e.g.",
 * "Fig.", initials) are undone — V8's ICU has no abbreviation suppressions.
 *
 * A unit is `quotable` when it starts at a sentence start (not the lower-case tail of a
 * sentence cut off by a chunk boundary) and ends a sentence (., !, ?, …, or CJK 。！？, optionally
 * followed by quotes or brackets) — or is a table row or list item, which ends where its line does.
 */

export interface SentenceUnit {
  text: string;
  quotable: boolean;
  /** A table row or list item: its own line, without sentence punctuation of its own. */
  line: boolean;
}

const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

const LIST_ITEM = /^(?:[-*•▪◦‣·–]|\(?\d{1,3}[.)]|\(?[a-z][.)])\s+\S/;
// "Plan: Basic; Monthly price: 29 EUR" (the parsers' row form), tab- or pipe-separated cells.
const TABLE_ROW = /^[^:;\n]{1,60}: [^;\n]*; [^:;\n]{1,60}: |\t\S|\S \| \S/;
const SENTENCE_END = /[.!?…。！？]["'”’»)\]]*$/;
const STARTS_SENTENCE = /^(?:["'“‘«([¿¡]*)[\p{Lu}\p{N}\p{Lo}]/u;
// Never end a sentence: titles, "e.g.", "Fig. 3", "No. 5", initials ("J. Smith").
const ALWAYS_ABBREVIATION =
  /(?:^|[\s(])(?:Mr|Mrs|Ms|Dr|Prof|Sr|Jr|St|Mt|Ft|Gen|Col|Capt|Lt|Sgt|Rev|Hon|vs|cf|al|Fig|Figs|Eq|Eqs|No|Nos|Vol|Vols|Ch|Sec|pp|approx|ca|resp|viz|e\.g|i\.e|[A-Z])\.\s*$/;
// May end a sentence; joined only when the next part starts in lower case or with a digit.
const MAYBE_ABBREVIATION =
  /(?:^|[\s(])(?:etc|Inc|Ltd|Co|Corp|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|U\.S|U\.K|a\.m|p\.m)\.\s*$/;

/** The units of `text` in order; see the module comment. */
export function sentenceUnits(text: string): SentenceUnit[] {
  const units: SentenceUnit[] = [];
  for (const block of blocks(text)) {
    if (block.line) {
      units.push({ text: block.text, quotable: true, line: true });
      continue;
    }
    if (block.heading) {
      units.push({ text: block.text, quotable: false, line: true });
      continue;
    }
    for (const sentence of sentences(block.text)) {
      units.push({
        text: sentence,
        quotable: STARTS_SENTENCE.test(sentence) && SENTENCE_END.test(sentence),
        line: false,
      });
    }
  }
  return units;
}

interface Block {
  text: string;
  line?: boolean;
  heading?: boolean;
}

/** Paragraph blocks with hard-wrapped lines joined; rows, list items and headings on their own. */
function blocks(text: string): Block[] {
  const result: Block[] = [];
  for (const paragraph of text.replace(/\r\n?/g, '\n').split(/\n[ \t]*\n/)) {
    const lines = paragraph
      .split('\n')
      .map((line) => line.replace(/\s+/g, ' ').trim())
      .filter(Boolean);
    let buffer = '';
    const flush = () => {
      if (buffer) result.push({ text: buffer });
      buffer = '';
    };
    lines.forEach((line, index) => {
      if (TABLE_ROW.test(line)) {
        flush();
        result.push({ text: line, line: true });
        return;
      }
      if (LIST_ITEM.test(line)) {
        flush();
        buffer = line;
        return;
      }
      const next = lines[index + 1];
      const startsFresh = buffer === '' || SENTENCE_END.test(buffer);
      if (startsFresh && isHeading(line, next)) {
        flush();
        result.push({ text: line, heading: true });
        return;
      }
      buffer = joinLines(buffer, line);
    });
    flush();
  }
  // A list item is quotable as a line when it does not read as a sentence of its own.
  return result.map((block) =>
    !block.line && !block.heading && LIST_ITEM.test(block.text) && !SENTENCE_END.test(block.text)
      ? { ...block, line: true }
      : block,
  );
}

/** A short line without end punctuation, followed by a line that starts anew (or nothing). */
function isHeading(line: string, next: string | undefined): boolean {
  if (SENTENCE_END.test(line) || /[,;:]$/.test(line)) return false;
  if (line.split(' ').length > 8) return false;
  return next === undefined || STARTS_SENTENCE.test(next);
}

function joinLines(buffer: string, line: string): string {
  if (!buffer) return line;
  // "exe-" + "cuted": a word broken at the line end (both sides lower case).
  if (/\p{Ll}-$/u.test(buffer) && /^\p{Ll}/u.test(line)) return buffer.slice(0, -1) + line;
  return `${buffer} ${line}`;
}

function sentences(text: string): string[] {
  const parts = [...segmenter.segment(text)].map((segment) => segment.segment);
  // An opening quote or bracket after the space that ends a sentence belongs to the next one:
  // 'said he. "Do tell…' must not quote 'Do tell…' without its opening mark.
  for (let index = 0; index + 1 < parts.length; index += 1) {
    const opening = /\s(["'“‘«([]+)$/.exec(parts[index]);
    if (!opening) continue;
    parts[index] = parts[index].slice(0, -opening[1].length);
    parts[index + 1] = opening[1] + parts[index + 1];
  }
  const merged: string[] = [];
  for (const part of parts) {
    const previous = merged[merged.length - 1];
    if (previous !== undefined && continues(previous, part)) merged[merged.length - 1] = previous + part;
    else merged.push(part);
  }
  return merged.map((sentence) => sentence.trim()).filter(Boolean);
}

function continues(previous: string, next: string): boolean {
  if (ALWAYS_ABBREVIATION.test(previous)) return true;
  const nextStart = next.trimStart();
  if (/^[\p{Ll}\d]/u.test(nextStart) && (MAYBE_ABBREVIATION.test(previous) || !SENTENCE_END.test(previous.trimEnd())))
    return true;
  return false;
}
