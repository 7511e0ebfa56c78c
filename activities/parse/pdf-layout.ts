import { DocumentVocabulary, endsWithSplitWord, joinLines } from '../../core/ingestion/dehyphenate';
import { joinPrintedLinesAsText, type PrintedLine } from '../../core/ingestion/paragraphs';
import type { PdfFieldValue, PdfPageContent, PdfTextItem } from './run-extraction';

/** A printed line rebuilt from pdf.js text items. Coordinates in PDF points, y grows upwards. */
interface Line {
  text: string;
  left: number;
  right: number;
  /** Baseline. */
  y: number;
  /** Largest font size on the line. */
  size: number;
  /** Fonts used on the line. */
  fonts: Set<string>;
  /** Two items on the line are separated by a gap wider than 2 em: table cells or a form row. */
  cells: boolean;
}

/**
 * Turns each page's pdf.js text items into text that reads like the document: printed lines
 * become paragraphs (core/ingestion/paragraphs.ts has the joining rules; this file measures
 * what they need from the geometry), line-end hyphens are undone against the whole document's
 * vocabulary, running headers, footers and page numbers are dropped, and form field values are
 * placed where they are shown, beside their labels. Returns one text per page, in page order.
 */
export function layoutPages(pages: readonly PdfPageContent[]): Array<{ page: number; text: string }> {
  const pageLines = pages.map((page) => (isMostlyRotated(page.items) ? undefined : buildLines(page)));
  dropRunningHeadersAndFooters(pageLines);
  const vocabulary = new DocumentVocabulary(
    pageLines
      .map((lines, index) => (lines ? lines.map((line) => line.text).join('\n') : plainText(pages[index].items)))
      .join('\n'),
  );
  const texts = pages.map((page, index) => {
    const lines = pageLines[index];
    // Vertical writing (and pages turned sideways) keeps pdf.js's own line ends.
    if (!lines) return { page: page.page, text: plainText(page.items) };
    return { page: page.page, text: joinPrintedLinesAsText(printedLines(lines), vocabulary) };
  });
  rejoinWordsSplitAcrossPages(texts, vocabulary);
  return texts;
}

/** A word hyphenated at the foot of a page ends on the next: its end moves up to join it ("al-" | "lowed"). */
function rejoinWordsSplitAcrossPages(
  texts: Array<{ page: number; text: string }>,
  vocabulary: DocumentVocabulary,
): void {
  for (let index = 0; index + 1 < texts.length; index++) {
    const current = texts[index];
    const next = texts[index + 1];
    const lastLine = current.text.trimEnd().split('\n').pop() ?? '';
    const nextText = next.text.trimStart();
    if (!endsWithSplitWord(lastLine, nextText)) continue;
    const word = /^\S+/.exec(nextText)?.[0] ?? '';
    const joined = joinLines(current.text.trimEnd(), lastLine, word, vocabulary);
    current.text = joined;
    next.text = nextText.slice(word.length).trimStart();
  }
}

function isMostlyRotated(items: readonly PdfTextItem[]): boolean {
  let rotated = 0;
  let total = 0;
  for (const item of items) {
    total += item[0].length;
    if (item[6]) rotated += item[0].length;
  }
  return total > 0 && rotated > total / 2;
}

/** pdf.js's reading: items in content order, a newline where it saw a line end. */
function plainText(items: readonly PdfTextItem[]): string {
  return items.map((item) => item[0] + (item[7] ? '\n' : '')).join('');
}

function buildLines(page: PdfPageContent): Line[] {
  const lines: Line[] = [];
  let line: Line | undefined;
  for (const [text, x, y, width, size, font] of page.items) {
    if (!text) continue;
    const em = Math.max(size, 1);
    const sameLine = line && Math.abs(y - line.y) <= 0.4 * Math.max(em, line.size) && x >= line.right - em;
    if (!line || !sameLine) {
      line = { text, left: x, right: x + width, y, size: em, fonts: new Set([font]), cells: false };
      lines.push(line);
      continue;
    }
    const gap = x - line.right;
    if (gap > 2 * em) line.cells = true;
    const needsSpace = gap > 0.15 * em && !/\s$/.test(line.text) && !/^\s/.test(text);
    line.text += (needsSpace ? ' ' : '') + text;
    line.right = Math.max(line.right, x + width);
    line.size = Math.max(line.size, em);
    line.fonts.add(font);
  }
  const kept = lines.filter((candidate) => candidate.text.trim());
  for (const field of page.fields) placeField(field, kept);
  return kept;
}

/**
 * Puts a form field's value on the line whose baseline runs through the field's box, after the
 * items to its left (its label); a field on a line of its own is named by its label or field name.
 */
function placeField(field: PdfFieldValue, lines: Line[]): void {
  const [x1, y1, x2, y2] = field.rect;
  const left = Math.min(x1, x2);
  const bottom = Math.min(y1, y2);
  const top = Math.max(y1, y2);
  const host = lines.find((line) => line.y >= bottom - 2 && line.y <= top + 2);
  const name = field.label.replace(/[_.]+/g, ' ').trim();
  if (!host) {
    const text = field.box ? `${field.text} ${name}` : `${name}: ${field.text}`;
    const size = Math.min(Math.max((top - bottom) * 0.6, 6), 14);
    const line: Line = {
      text,
      left,
      right: Math.max(x1, x2),
      y: bottom + (top - bottom) * 0.3,
      size,
      fonts: new Set(['#form']),
      cells: true,
    };
    const at = lines.findIndex((candidate) => candidate.y < line.y);
    lines.splice(at < 0 ? lines.length : at, 0, line);
    return;
  }
  if (host.left >= left) host.text = `${field.text} ${host.text}`;
  else host.text = `${host.text} ${field.text}`;
  host.left = Math.min(host.left, left);
  host.right = Math.max(host.right, Math.max(x1, x2));
  host.cells = true;
}

/** A line that is nothing but a page number: "7", "- 7 -", "Page 7", "7 of 40", "vii". */
const PAGE_NUMBER = /^(?:page\s*)?[-–—]?\s*(?:#|[ivxlc]{1,6})\s*[-–—]?(?:\s*(?:of|\/)\s*#)?$/i;

/**
 * Drops running headers and footers: among each page's two top and two bottom lines, a line
 * whose text (digits ignored) recurs in that place on at least a quarter of the pages (and on
 * two or more), and a line that is only a page number. Needs two pages or more.
 */
function dropRunningHeadersAndFooters(pageLines: Array<Line[] | undefined>): void {
  const pageCount = pageLines.filter(Boolean).length;
  if (pageCount < 2) return;
  const signature = (line: Line) => line.text.toLowerCase().replace(/\d+/g, '#').replace(/\s+/g, ' ').trim();
  const marginLines = (lines: Line[]) => {
    const byHeight = [...lines].sort((a, b) => b.y - a.y);
    return new Set([...byHeight.slice(0, 2), ...byHeight.slice(-2)]);
  };
  const pagesWith = new Map<string, number>();
  for (const lines of pageLines) {
    if (!lines) continue;
    const seen = new Set([...marginLines(lines)].map(signature));
    for (const key of seen) pagesWith.set(key, (pagesWith.get(key) ?? 0) + 1);
  }
  const threshold = Math.max(2, Math.ceil(pageCount / 4));
  pageLines.forEach((lines, index) => {
    if (!lines) return;
    const margins = marginLines(lines);
    pageLines[index] = lines.filter((line) => {
      if (!margins.has(line)) return true;
      const key = signature(line);
      return !(PAGE_NUMBER.test(key) || (pagesWith.get(key) ?? 0) >= threshold);
    });
  });
}

/** The font most of the page's text is set in. */
function bodyFont(lines: readonly Line[]): { font: string | undefined; size: number } {
  const weight = new Map<string, number>();
  for (const line of lines) {
    const key = `${[...line.fonts][0]}@${Math.round(line.size)}`;
    weight.set(key, (weight.get(key) ?? 0) + line.text.length);
  }
  const top = [...weight.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const [font, size] = top ? top.split('@') : [undefined, '0'];
  return { font, size: Number(size) };
}

/**
 * Measures, for each line, what the joining rules need: whether the next line's first word would
 * have fit after it (`full`), whether it spans most of its column (`long`), whether the next line
 * starts a paragraph by layout (a wider gap, another size, an indent, another column), and whether
 * it is a heading (another font or size than the body, short) or a table row.
 */
function printedLines(lines: readonly Line[]): PrintedLine[] {
  const body = bodyFont(lines);
  const gaps = lines
    .slice(1)
    .map((line, index) => lines[index].y - line.y)
    .filter((gap, index) => gap > 0 && sameSize(lines[index], lines[index + 1]))
    .sort((a, b) => a - b);
  const lineGap = gaps[Math.floor(gaps.length / 2)] ?? 0;

  const headings = lines.map((line) => isHeading(line, body, lines));
  return lines.map((line, index) => {
    const previous = lines[index - 1];
    const next = lines[index + 1];
    const column = lines.filter((other) => sameSize(other, line) && Math.abs(other.left - line.left) <= 4 * line.size);
    const columnLeft = Math.min(...column.map((other) => other.left));
    const columnRight = rightEdge(column);
    const long = line.right - line.left >= 0.6 * (columnRight - columnLeft);
    let full = false;
    if (next && sameSize(line, next)) {
      const charWidth = (next.right - next.left) / Math.max(next.text.length, 1);
      const nextWord = /^\S+/.exec(next.text.trim())?.[0].length ?? 0;
      full = line.right + 0.25 * line.size + nextWord * charWidth > columnRight - 0.5;
    }
    const heading = headings[index];
    // Headings are often centred: only a gap or another size separates the lines of one.
    const headingPair = previous !== undefined && heading && headings[index - 1];
    return {
      text: line.text,
      full,
      long,
      breakBefore: previous ? startsParagraph(previous, line, lineGap, headingPair) : true,
      ownLine: line.cells,
      heading,
    };
  });
}

/**
 * The right edge of a column: the 80th percentile of its lines' right ends (justified text ends
 * all its full lines there; ragged text ends most near it), so one wider line (a title or a
 * caption across both columns that starts at the same x) does not move it. Few lines: the widest.
 */
function rightEdge(column: readonly Line[]): number {
  const rights = column.map((line) => line.right).sort((a, b) => a - b);
  if (rights.length < 5) return rights[rights.length - 1];
  return rights[Math.floor(rights.length * 0.8)];
}

function sameSize(a: Line, b: Line): boolean {
  return Math.abs(a.size - b.size) <= 0.12 * Math.max(a.size, b.size);
}

/**
 * A heading: larger than the body text, or set in one other font and shorter than 60% of the
 * widest body line (a bold line of body size that fills the column is emphasis, not a heading);
 * under 120 characters, not ending like a sentence.
 */
function isHeading(line: Line, body: { font: string | undefined; size: number }, lines: readonly Line[]): boolean {
  if (line.text.length >= 120 || /[.,;]$/.test(line.text.trim())) return false;
  if (line.size > body.size * 1.12) return true;
  if (line.fonts.has(body.font ?? '') || line.fonts.size !== 1) return false;
  const widest = Math.max(...lines.filter((other) => sameSize(other, line)).map((other) => other.right - other.left));
  return line.right - line.left < 0.6 * widest;
}

function startsParagraph(previous: Line, line: Line, lineGap: number, headingPair: boolean): boolean {
  if (!sameSize(previous, line)) return true;
  const drop = previous.y - line.y;
  if (headingPair) return drop <= 0 || drop > line.size * 1.6;
  // Moving up the page, or far to the side: another column or a floating box.
  if (drop <= 0 || Math.abs(line.left - previous.left) > 4 * line.size) return true;
  // More space than between the lines of a paragraph.
  if (drop > Math.max(lineGap * 1.4, line.size * 1.5)) return true;
  // A first-line indent.
  return line.left - previous.left > 0.8 * line.size;
}
