import { DocumentVocabulary } from './dehyphenate';
import { firstWordLength, joinPrintedLines, LIST_ITEM, type PrintedLine } from './paragraphs';

export interface WrapWidth {
  /** Estimated wrap column in characters (95th percentile of non-blank line lengths). */
  width: number;
  /** Whether the text is hard-wrapped at that width. */
  hardWrapped: boolean;
}

/** Lines this long or longer are not a wrap width anyone types at (prose is wrapped at 60–100). */
const MAX_WRAP_WIDTH = 160;
/** Smallest wrap width considered (below it, lines are labels or verse, not wrapped prose). */
const MIN_WRAP_WIDTH = 30;
/** Share of inner prose lines that must reach 60% of the width for the file to be hard-wrapped. */
const MIN_LONG_SHARE = 0.6;
/** Fewer inner lines than this are no evidence either way. */
const MIN_INNER_LINES = 3;

/**
 * Judges by line-length statistics whether a text was hard-wrapped (Project Gutenberg books,
 * e-mails, README files at 72–80 columns). "Inner lines" are lines followed by another non-blank
 * line, where a wrapped paragraph breaks. The file is hard-wrapped when its wrap width (the 95th
 * percentile of line lengths) is between 30 and 160 characters and at least 60% of its inner lines
 * (list items aside) are at least 60% of that width long: a paragraph's lines all run to near the margin except its
 * last one. Text with one paragraph per line has few inner lines, and those are short labels.
 */
export function detectHardWrap(lines: readonly string[]): WrapWidth {
  const lengths = lines.map((line) => line.trimEnd().length).filter((length) => length > 0);
  if (lengths.length === 0) return { width: 0, hardWrapped: false };
  const sorted = [...lengths].sort((a, b) => a - b);
  const width = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))];
  let inner = 0;
  let innerLong = 0;
  for (let index = 0; index + 1 < lines.length; index++) {
    const length = lines[index].trimEnd().length;
    // List items (and the line before one) end where the item ends, wrapped or not.
    if (
      length === 0 ||
      !lines[index + 1].trim() ||
      LIST_ITEM.test(lines[index].trim()) ||
      LIST_ITEM.test(lines[index + 1].trim())
    )
      continue;
    inner++;
    if (length >= 0.6 * width) innerLong++;
  }
  const hardWrapped =
    width >= MIN_WRAP_WIDTH &&
    width <= MAX_WRAP_WIDTH &&
    inner >= MIN_INNER_LINES &&
    innerLong / inner >= MIN_LONG_SHARE;
  return { width, hardWrapped };
}

/**
 * Rejoins the paragraphs of a hard-wrapped text (see detectHardWrap) and undoes its line-end
 * hyphenation; a text that is not hard-wrapped is returned as it is. Blank lines stay paragraph
 * breaks; list items, headings, table rows and indented lines (code, verse) keep their own lines
 * (paragraphs.ts has the joining rules). A line counts as `full` when its length plus one space
 * plus the next line's first word would pass the wrap width: it was broken for room, not by hand.
 */
export function unwrapHardWrappedText(text: string): string {
  const lines = text.split('\n');
  const wrap = detectHardWrap(lines);
  if (!wrap.hardWrapped) return text;
  const vocabulary = new DocumentVocabulary(text);

  const out: string[] = [];
  let block: PrintedLine[] = [];
  const flush = () => {
    if (block.length > 0) out.push(joinPrintedLines(block, vocabulary).join('\n'));
    block = [];
  };
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index].trimEnd();
    if (!line.trim()) {
      flush();
      out.push('');
      continue;
    }
    const next = lines[index + 1] ?? '';
    const indent = indentOf(line);
    const previousIndent = block.length > 0 ? indentOf(lines[index - 1]) : indent;
    const nextIndent = next.trim() ? indentOf(next) : 0;
    block.push({
      text: line,
      full: next.trim() !== '' && line.length + 1 + firstWordLength(next) > wrap.width,
      long: line.length >= 0.6 * wrap.width,
      // A change of indent inside a block starts a quotation or a nested item; consecutive lines
      // indented by 4+ are code or verse and keep their lines. A first-line indent alone is neither.
      breakBefore: indent >= 2 && indent !== previousIndent && !continuesListItem(lines[index - 1], indent),
      ownLine: indent >= 4 && ((block.length > 0 && previousIndent >= 4) || nextIndent >= 4),
    });
  }
  flush();
  return out.join('\n');
}

function indentOf(line: string): number {
  return /^[ \t]*/.exec(line)?.[0].length ?? 0;
}

/** A wrapped list item's next line is indented to the item's text: "- item" then "  rest". */
function continuesListItem(previous: string | undefined, indent: number): boolean {
  const marker = previous === undefined ? null : LIST_ITEM.exec(previous.trimStart());
  return marker !== null && indentOf(previous ?? '') + marker[0].length === indent;
}
