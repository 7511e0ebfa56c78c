import { Parser } from 'htmlparser2';
import type { ParsedSection } from '../../core/ingestion/types';

interface HtmlElement {
  tag: string;
  attributes: Record<string, string>;
  children: HtmlNode[];
}
type HtmlNode = HtmlElement | string;

const HEADING_TAGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
const BLOCK_TAGS = new Set([...HEADING_TAGS, 'p', 'ul', 'ol', 'li', 'table', 'tr', 'td', 'th', 'div', 'blockquote', 'pre']);

/**
 * Turns mammoth's HTML into sections: each heading names the text that follows it, tables
 * become one "Header: value" line per cell (first row = headers), lists become "- item" lines,
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
    this.sections.push(this.heading ? { text: this.blocks.join('\n\n'), heading: this.heading } : { text: this.blocks.join('\n\n') });
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
      builder.addBlock(inlineText(node));
    }
  }
}

function hasBlockContent(node: HtmlNode): boolean {
  return typeof node !== 'string' && BLOCK_TAGS.has(node.tag);
}

/** Text of an element; paragraphs inside it become lines, back-links and images vanish. */
function inlineText(node: HtmlNode, options: { skipLists?: boolean } = {}): string {
  if (typeof node === 'string') return node;
  if (node.tag === 'br') return '\n';
  if (node.tag === 'img') return '';
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
  const firstItem = list.children.find((child): child is HtmlElement => typeof child !== 'string' && child.tag === 'li');
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
      if (typeof child !== 'string' && (child.tag === 'ul' || child.tag === 'ol')) lines.push(...listLines(child, depth + 1));
    }
  }
  return lines;
}

/** One block per data row, so the chunker can split a long table between rows. */
function tableBlocks(table: HtmlElement): string[] {
  const rows = tableRows(table).map((row) => elementChildren(row, 'td', 'th'));
  const blocks: string[] = [];
  let width = widestRow(rows);

  // A first row that is a single full-width cell is a caption, not the column headers.
  while (rows.length > 0 && width > 1 && rows[0].length === 1) {
    blocks.push(cellText(rows[0][0]));
    rows.shift();
    width = widestRow(rows);
  }
  if (rows.length === 0) return blocks;

  const headers = expandSpans(rows[0]).map((cell) => cell.text);
  if (rows.length === 1 || !looksLikeHeaderRow(headers)) {
    for (const row of rows) blocks.push(expandSpans(row).map((cell) => (cell.spanned ? '' : cell.text)).filter(Boolean).join(' | '));
    return blocks;
  }
  for (const row of rows.slice(1)) {
    const cells = expandSpans(row);
    if (row.length === 1 && width > 1) {
      blocks.push(cells[0]?.text ?? '');
      continue;
    }
    const lines = cells
      .map((cell, column) => (cell.text && !cell.spanned ? `${headers[column] || `Column ${column + 1}`}: ${cell.text}` : ''))
      .filter(Boolean);
    // One line per row, like CSV rows: a record stays together for retrieval and answers.
    blocks.push(lines.join('; '));
  }
  return blocks;
}

/**
 * Word tables often have no header row (a calendar: "1 | New Year's Day"). Headers are short
 * labels; a number or a sentence in the first row means it is already data.
 */
function looksLikeHeaderRow(cells: string[]): boolean {
  const filled = cells.filter(Boolean);
  return filled.length > 0 && filled.every((cell) => cell.length <= 60 && !/^[\d\s.,:;%$€£¥+\-/()]+$/.test(cell));
}

function widestRow(rows: HtmlElement[][]): number {
  return rows.reduce((widest, cells) => Math.max(widest, expandSpans(cells).length), 0);
}

function tableRows(table: HtmlElement): HtmlElement[] {
  const rows: HtmlElement[] = [];
  for (const child of table.children) {
    if (typeof child === 'string') continue;
    if (child.tag === 'tr') rows.push(child);
    else if (child.tag === 'thead' || child.tag === 'tbody' || child.tag === 'tfoot') rows.push(...elementChildren(child, 'tr'));
  }
  return rows;
}

/** Repeats a cell across the columns it spans; copies are marked so values are not repeated. */
function expandSpans(cells: HtmlElement[]): Array<{ text: string; spanned: boolean }> {
  const expanded: Array<{ text: string; spanned: boolean }> = [];
  for (const cell of cells) {
    const text = cellText(cell);
    const span = Math.min(Math.max(Number.parseInt(cell.attributes.colspan ?? '1', 10) || 1, 1), 1000);
    for (let index = 0; index < span; index++) expanded.push({ text, spanned: index > 0 });
  }
  return expanded;
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
