import { Parser } from 'htmlparser2';
import type { ParsedSection } from '../../core/ingestion/types';

interface HtmlElement {
  tag: string;
  attributes: Record<string, string>;
  children: HtmlNode[];
}
type HtmlNode = HtmlElement | string;

const CHECKED = '\u2611';
const UNCHECKED = '\u2610';

const HEADING_TAGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
const BLOCK_TAGS = new Set([
  ...HEADING_TAGS,
  'p',
  'ul',
  'ol',
  'li',
  'table',
  'tr',
  'td',
  'th',
  'div',
  'blockquote',
  'pre',
]);

/**
 * Turns mammoth's HTML into sections: each heading names the text that follows it, tables
 * become one line per row ("Header: value; …" when the table has a header row, see headerRowOf;
 * merged cells repeated in each row they span), check boxes "☑"/"☐", lists "- item" lines,
 * and footnotes/endnotes land in their own sections. Paragraphs are separated by a blank line.
 */
export function htmlToSections(html: string): ParsedSection[] {
  const builder = new SectionBuilder();
  walkBlocks(parseHtml(html).children, builder);
  return builder.finish();
}

class SectionBuilder {
  private readonly sections: ParsedSection[] = [];
  private heading: string | undefined;
  private blocks: string[] = [];

  startHeading(heading: string): void {
    this.flush();
    this.heading = heading || undefined;
  }

  addBlock(text: string): void {
    if (text.trim()) this.blocks.push(text.trim());
  }

  finish(): ParsedSection[] {
    this.flush();
    return this.sections;
  }

  private flush(): void {
    if (this.blocks.length === 0) return;
    this.sections.push(
      this.heading ? { text: this.blocks.join('\n\n'), heading: this.heading } : { text: this.blocks.join('\n\n') },
    );
    this.blocks = [];
  }
}

function walkBlocks(nodes: HtmlNode[], builder: SectionBuilder): void {
  for (const node of nodes) {
    if (typeof node === 'string') {
      builder.addBlock(node);
    } else if (HEADING_TAGS.has(node.tag)) {
      builder.startHeading(oneLine(inlineText(node)));
    } else if (node.tag === 'table') {
      for (const block of tableBlocks(node)) builder.addBlock(block);
    } else if (node.tag === 'ul' || node.tag === 'ol') {
      const notes = noteKind(node);
      if (notes) addNotes(node, notes, builder);
      else builder.addBlock(listLines(node, 0).join('\n'));
    } else if (node.tag !== 'p' && node.children.some(hasBlockContent)) {
      walkBlocks(node.children, builder);
    } else {
      builder.addBlock(boxFirst(inlineText(node)));
    }
  }
}

/** "On-site visits included: ☑" → "☑ On-site visits included": a box reads before its label. */
function boxFirst(text: string): string {
  const match = /^([^\n\u2610\u2611]+?)\s*([\u2610\u2611])\s*$/.exec(text.trim());
  return match ? `${match[2]} ${match[1].trim()}` : text;
}

function hasBlockContent(node: HtmlNode): boolean {
  return typeof node !== 'string' && BLOCK_TAGS.has(node.tag);
}

/** Text of an element; paragraphs inside it become lines, back-links and images vanish. */
function inlineText(node: HtmlNode, options: { skipLists?: boolean } = {}): string {
  if (typeof node === 'string') return node;
  if (node.tag === 'br') return '\n';
  if (node.tag === 'img') return '';
  // mammoth writes a Word check box content control (w14:checkbox) as a disabled <input>.
  if (node.tag === 'input' && node.attributes.type === 'checkbox')
    return 'checked' in node.attributes ? CHECKED : UNCHECKED;
  if (isNoteBackLink(node)) return '';
  if (options.skipLists && (node.tag === 'ul' || node.tag === 'ol')) return '';
  const parts = node.children.map((child) => {
    const text = inlineText(child, options);
    return hasBlockContent(child) ? `\n${text}\n` : text;
  });
  return parts.join('').replace(/\n{2,}/g, '\n');
}

/** mammoth ends each note with an "↑" link back to where it is referenced. */
function isNoteBackLink(node: HtmlElement): boolean {
  const href = node.attributes.href ?? '';
  return node.tag === 'a' && /^#(footnote|endnote)-ref-/.test(href);
}

function noteKind(list: HtmlElement): 'Footnotes' | 'Endnotes' | undefined {
  const firstItem = list.children.find(
    (child): child is HtmlElement => typeof child !== 'string' && child.tag === 'li',
  );
  const id = firstItem?.attributes.id ?? '';
  if (id.startsWith('footnote-')) return 'Footnotes';
  if (id.startsWith('endnote-')) return 'Endnotes';
  return undefined;
}

function addNotes(list: HtmlElement, heading: string, builder: SectionBuilder): void {
  builder.startHeading(heading);
  let number = 0;
  for (const item of elementChildren(list, 'li')) {
    number++;
    builder.addBlock(`[${number}] ${oneLine(inlineText(item))}`);
  }
}

function listLines(list: HtmlElement, depth: number): string[] {
  const lines: string[] = [];
  for (const item of elementChildren(list, 'li')) {
    const text = oneLine(inlineText(item, { skipLists: true }));
    if (text) lines.push(`${'  '.repeat(depth)}- ${text}`);
    for (const child of item.children) {
      if (typeof child !== 'string' && (child.tag === 'ul' || child.tag === 'ol'))
        lines.push(...listLines(child, depth + 1));
    }
  }
  return lines;
}

/**
 * One block per data row, so the chunker can split a long table between rows. The table is first
 * laid out as a grid: a cell spanning columns (colspan) is written once, a cell merged down rows
 * (Word's w:vMerge, mammoth's rowspan) is repeated in every row it spans, so each row keeps its
 * own columns. With a header row (see headerRowOf) each row reads "Header: value; …", without
 * one "value | value | …".
 */
function tableBlocks(table: HtmlElement): string[] {
  const rows = tableRows(table);
  const blocks: string[] = [];
  let grid = layoutGrid(rows);
  let width = grid.reduce((widest, row) => Math.max(widest, row.length), 0);

  // A first row that is a single full-width cell is a caption, not the column headers.
  while (rows.length > 0 && width > 1 && elementChildren(rows[0], 'td', 'th').length === 1) {
    blocks.push(grid[0][0]?.text ?? '');
    rows.shift();
    grid = layoutGrid(rows);
    width = grid.reduce((widest, row) => Math.max(widest, row.length), 0);
  }
  if (grid.length === 0) return blocks;

  if (isKeyValueTable(rows)) {
    for (const row of grid)
      blocks.push(
        row
          .filter((cell) => cell.text && !cell.spanned)
          .map((cell) => cell.text)
          .join(': ')
          .replace(/:: /g, ': '),
      );
    return blocks;
  }
  const headers = grid.length > 1 && headerRowOf(rows[0], grid) ? grid[0].map((cell) => cell.text) : undefined;
  if (!headers) {
    for (const row of grid)
      blocks.push(
        row
          .filter((cell) => cell.text && !cell.spanned)
          .map((cell) => cell.text)
          .join(' | '),
      );
    return blocks;
  }
  for (const [index, row] of grid.entries()) {
    if (index === 0) continue;
    // A full-width row inside the table (a group label) stays a line of its own.
    if (elementChildren(rows[index], 'td', 'th').length === 1 && row.filter((cell) => !cell.spanned).length === 1) {
      blocks.push(row[0]?.text ?? '');
      continue;
    }
    const lines = row
      .map((cell, column) =>
        cell.text && !cell.spanned ? `${headers[column] || `Column ${column + 1}`}: ${cell.text}` : '',
      )
      .filter(Boolean);
    // One line per row, like CSV rows: a record stays together for retrieval and answers.
    blocks.push(lines.join('; '));
  }
  return blocks;
}

interface GridCell {
  text: string;
  /** A copy to the right of a cell spanning columns: not written again. */
  spanned: boolean;
}

/** Places each cell at its column, honouring colspan and rowspan (both capped at 1000). */
function layoutGrid(rows: HtmlElement[]): GridCell[][] {
  const grid: GridCell[][] = rows.map(() => []);
  rows.forEach((row, rowIndex) => {
    let column = 0;
    for (const cell of elementChildren(row, 'td', 'th')) {
      while (grid[rowIndex][column]) column++;
      const text = cellText(cell);
      const colspan = spanOf(cell.attributes.colspan);
      const rowspan = spanOf(cell.attributes.rowspan);
      for (let down = 0; down < rowspan && rowIndex + down < rows.length; down++) {
        for (let across = 0; across < colspan; across++)
          grid[rowIndex + down][column + across] = { text, spanned: across > 0 };
      }
      column += colspan;
    }
  });
  return grid.map((row) => Array.from(row, (cell) => cell ?? { text: '', spanned: false }));
}

function spanOf(value: string | undefined): number {
  return Math.min(Math.max(Number.parseInt(value ?? '1', 10) || 1, 1), 1000);
}

/**
 * Whether a table's first row holds column headers. Marked ones always do: Word's "repeat as
 * header row" (w:tblHeader, mammoth's <th>) or every cell bold. An unmarked first row does when
 * each of its filled cells reads like a label and not like the data under it:
 * - at most 60 characters, not a sentence (no final . ! ?), not "Label:" (a key–value table);
 * - not a number, date, time or amount when the column below holds such values (a digit in
 *   the first row's cell where most data cells of its column have digits: "1 | New Year's Day");
 * - not a value that recurs in its column below.
 * So "Region | Store | Manager | Opening hours" over stores is a header row, and a table whose first
 * row is already a store ("North | Oakville | Priya Raman | 8am-6pm") is read as data rows.
 */
function headerRowOf(firstRow: HtmlElement, grid: GridCell[][]): boolean {
  const cells = elementChildren(firstRow, 'td', 'th');
  if (cells.length > 0 && cells.every((cell) => cell.tag === 'th' || isAllBold(cell) || !cellText(cell))) {
    if (cells.some((cell) => cellText(cell))) return true;
  }
  const [first, ...data] = grid;
  const filled = first.filter((cell) => cell.text && !cell.spanned);
  if (filled.length === 0) return false;
  return first.every((cell, column) => {
    if (!cell.text || cell.spanned) return true;
    if (cell.text.length > 60 || /[.!?:]$/.test(cell.text) || /^[\d\s.,:;%$€£¥+\-/()]+$/.test(cell.text)) return false;
    const below = data.map((row) => row[column]?.text ?? '').filter(Boolean);
    if (below.includes(cell.text)) return false;
    const numericBelow = below.filter((text) => /\d/.test(text)).length;
    return !(/\d/.test(cell.text) && below.length > 0 && numericBelow * 2 > below.length);
  });
}

/**
 * A two-column table of bold labels beside plain values ("Name | Dana Whitfield"), each row a
 * record of its own: read as "Name: Dana Whitfield", never with its first row as headers.
 */
function isKeyValueTable(rows: HtmlElement[]): boolean {
  if (rows.length < 2) return false;
  return rows.every((row) => {
    const cells = elementChildren(row, 'td', 'th');
    return cells.length === 2 && isAllBold(cells[0]) && !isAllBold(cells[1]);
  });
}

/** Every bit of text in the cell is inside <strong> (Word bold). */
function isAllBold(cell: HtmlElement): boolean {
  const plain = (node: HtmlNode): string =>
    typeof node === 'string'
      ? node
      : node.tag === 'strong' || node.tag === 'b'
        ? ''
        : node.children.map(plain).join('');
  return cellText(cell) !== '' && plain(cell).trim() === '';
}

function tableRows(table: HtmlElement): HtmlElement[] {
  const rows: HtmlElement[] = [];
  for (const child of table.children) {
    if (typeof child === 'string') continue;
    if (child.tag === 'tr') rows.push(child);
    else if (child.tag === 'thead' || child.tag === 'tbody' || child.tag === 'tfoot')
      rows.push(...elementChildren(child, 'tr'));
  }
  return rows;
}

function cellText(cell: HtmlElement): string {
  return oneLine(inlineText(cell));
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function elementChildren(parent: HtmlElement, ...tags: string[]): HtmlElement[] {
  return parent.children.filter((child): child is HtmlElement => typeof child !== 'string' && tags.includes(child.tag));
}

function parseHtml(html: string): HtmlElement {
  const root: HtmlElement = { tag: '#root', attributes: {}, children: [] };
  const stack: HtmlElement[] = [root];
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        const element: HtmlElement = { tag: name, attributes, children: [] };
        stack[stack.length - 1].children.push(element);
        stack.push(element);
      },
      ontext(text) {
        const children = stack[stack.length - 1].children;
        const last = children[children.length - 1];
        if (typeof last === 'string') children[children.length - 1] = last + text;
        else children.push(text);
      },
      onclosetag() {
        if (stack.length > 1) stack.pop();
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(html);
  parser.end();
  return root;
}
