/**
 * A small Markdown subset rendered straight into DOM nodes. Model output is untrusted (a poisoned
 * document can steer it), so nothing here parses HTML: every node is made with `createElement`
 * and every string lands in a text node. Links survive only as absolute http(s) URLs.
 */

export interface RenderOptions {
  /** Citation markers `[n]` with 1 ≤ n ≤ this become superscripts; others stay literal text. */
  maxCitation?: number;
  /** Tooltip text per citation number (1-based), e.g. the source's file name and page. */
  citationTitles?: readonly string[];
  /** The tooltip of citation `n` (default `Source n: title`), for the widget's language. */
  citationTitle?: (n: number, title: string | undefined) => string;
  document?: Document;
}

interface InlineContext {
  doc: Document;
  maxCitation: number;
  citationTitles: readonly string[];
  citationTitle: (n: number, title: string | undefined) => string;
  insideLink: boolean;
  depth: number;
}

const MAX_RENDERED_CHARACTERS = 30_000;
const MAX_INLINE_NESTING = 6;
const ESCAPABLE = '\\`*_{}[]()#+-.!<>~|';

/** Returns the URL when it is an absolute http(s) URL; anything else (javascript:, data:, relative) is refused. */
export function safeLinkHref(raw: string): string | null {
  const candidate = raw.trim();
  if (!/^https?:\/\//i.test(candidate)) return null;
  try {
    const url = new URL(candidate);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

function isWhitespace(char: string | undefined): boolean {
  return char === undefined || /\s/.test(char);
}

function isWordChar(char: string | undefined): boolean {
  return char !== undefined && /[\p{L}\p{N}]/u.test(char);
}

function appendLink(parent: Node, href: string, label: string, context: InlineContext, renderLabel: boolean): void {
  const link = context.doc.createElement('a');
  link.href = href;
  link.target = '_blank';
  link.rel = 'noopener noreferrer';
  if (renderLabel) renderInline(label, link, { ...context, insideLink: true, depth: context.depth + 1 });
  else link.textContent = label;
  parent.appendChild(link);
}

/** Finds the `)` closing a link destination, allowing balanced parentheses inside URLs. */
function findClosingParen(text: string, from: number): number {
  let depth = 0;
  for (let index = from; index < text.length; index += 1) {
    const char = text[index];
    if (char === '\n') return -1;
    if (char === '(') depth += 1;
    else if (char === ')') {
      if (depth === 0) return index;
      depth -= 1;
    }
  }
  return -1;
}

function findClosingBracket(text: string, from: number): number {
  let depth = 0;
  for (let index = from; index < text.length; index += 1) {
    const char = text[index];
    if (char === '\\') index += 1;
    else if (char === '[') depth += 1;
    else if (char === ']') {
      if (depth === 0) return index;
      depth -= 1;
    }
  }
  return -1;
}

/** Finds a closing emphasis delimiter that is not preceded by whitespace. */
function findEmphasisClose(text: string, delimiter: string, from: number): number {
  let index = text.indexOf(delimiter, from);
  while (index !== -1) {
    const before = text[index - 1];
    const after = text[index + delimiter.length];
    const doubledSingle = delimiter.length === 1 && (after === delimiter || before === delimiter);
    const intraword = delimiter[0] === '_' && isWordChar(after);
    if (!isWhitespace(before) && !doubledSingle && !intraword && index > from) return index;
    index = text.indexOf(delimiter, index + delimiter.length);
  }
  return -1;
}

function renderInline(text: string, parent: Node, context: InlineContext): void {
  const { doc } = context;
  let plain = '';
  const flush = (): void => {
    if (plain) parent.appendChild(doc.createTextNode(plain));
    plain = '';
  };
  const nested = context.depth < MAX_INLINE_NESTING;
  let index = 0;
  while (index < text.length) {
    const char = text[index];

    if (char === '\\' && index + 1 < text.length && ESCAPABLE.includes(text[index + 1])) {
      plain += text[index + 1];
      index += 2;
      continue;
    }

    if (char === '`') {
      const fence = /^`+/.exec(text.slice(index, index + 64))![0];
      let close = text.indexOf(fence, index + fence.length);
      while (close !== -1 && text[close + fence.length] === '`') close = text.indexOf(fence, close + fence.length + 1);
      if (close !== -1) {
        flush();
        const code = doc.createElement('code');
        let content = text.slice(index + fence.length, close);
        if (content.length > 2 && content.startsWith(' ') && content.endsWith(' ')) content = content.slice(1, -1);
        code.textContent = content;
        parent.appendChild(code);
        index = close + fence.length;
        continue;
      }
      plain += fence;
      index += fence.length;
      continue;
    }

    if (nested && (char === '*' || char === '_') && text[index + 1] === char && !isWhitespace(text[index + 2])) {
      const delimiter = char + char;
      const canOpen = char === '*' || !isWordChar(text[index - 1]);
      const close = canOpen ? findEmphasisClose(text, delimiter, index + 2) : -1;
      if (close !== -1) {
        flush();
        const strong = doc.createElement('strong');
        renderInline(text.slice(index + 2, close), strong, { ...context, depth: context.depth + 1 });
        parent.appendChild(strong);
        index = close + 2;
        continue;
      }
    }

    if (nested && (char === '*' || char === '_') && text[index + 1] !== char && !isWhitespace(text[index + 1])) {
      const canOpen = char === '*' || !isWordChar(text[index - 1]);
      const close = canOpen ? findEmphasisClose(text, char, index + 1) : -1;
      if (close !== -1) {
        flush();
        const emphasis = doc.createElement('em');
        renderInline(text.slice(index + 1, close), emphasis, { ...context, depth: context.depth + 1 });
        parent.appendChild(emphasis);
        index = close + 1;
        continue;
      }
    }

    if (char === '[') {
      const citation = /^\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\](?!\()/.exec(text.slice(index, index + 64));
      if (citation) {
        const numbers = citation[1].split(',').map((part) => Number.parseInt(part.trim(), 10));
        if (numbers.every((value) => value >= 1 && value <= context.maxCitation)) {
          flush();
          for (const value of numbers) {
            const marker = doc.createElement('sup');
            marker.className = 'cite';
            marker.textContent = String(value);
            const title = context.citationTitles[value - 1];
            marker.title = context.citationTitle(value, title);
            parent.appendChild(marker);
          }
          index += citation[0].length;
          continue;
        }
      }
      const labelEnd = findClosingBracket(text, index + 1);
      if (!context.insideLink && labelEnd !== -1 && text[labelEnd + 1] === '(') {
        const destinationEnd = findClosingParen(text, labelEnd + 2);
        if (destinationEnd !== -1) {
          const label = text.slice(index + 1, labelEnd);
          const destination =
            text
              .slice(labelEnd + 2, destinationEnd)
              .trim()
              .replace(/^<([^>]*)>/, '$1')
              .split(/\s+/)[0] ?? '';
          const href = safeLinkHref(destination);
          flush();
          if (href) appendLink(parent, href, label, context, nested);
          else renderInline(label, parent, { ...context, depth: context.depth + 1 });
          index = destinationEnd + 1;
          continue;
        }
      }
    }

    if (!context.insideLink && char === '<') {
      const autolink = /^<(https?:\/\/[^\s<>]+)>/i.exec(text.slice(index));
      const href = autolink ? safeLinkHref(autolink[1]) : null;
      if (autolink && href) {
        flush();
        appendLink(parent, href, autolink[1], context, false);
        index += autolink[0].length;
        continue;
      }
    }

    if (!context.insideLink && (char === 'h' || char === 'H') && !isWordChar(text[index - 1])) {
      const bare = /^https?:\/\/[^\s<>"'`]+/i.exec(text.slice(index));
      if (bare) {
        const url = bare[0].replace(/[.,;:!?)\]}*_]+$/, '');
        const href = safeLinkHref(url);
        if (href && url.length > 'https://'.length) {
          flush();
          appendLink(parent, href, url, context, false);
          index += url.length;
          continue;
        }
      }
    }

    plain += char;
    index += 1;
  }
  flush();
}

type ListKind = 'ul' | 'ol';

interface OpenList {
  kind: ListKind;
  element: HTMLElement;
  lastItem: HTMLElement | null;
  lastItemLines: string[];
}

const FENCE = /^\s{0,3}(`{3,}|~{3,})\s*([\w+#.-]*)\s*$/;
const HEADING = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/;
const RULE = /^\s{0,3}([-*_])(?:\s*\1){2,}\s*$/;
const BULLET = /^(\s*)[-*+]\s+(.*)$/;
const ORDERED = /^(\s*)(\d{1,9})[.)]\s+(.*)$/;
const QUOTE = /^\s{0,3}>\s?(.*)$/;

/** Renders an answer (possibly still streaming, so fences and emphasis may be unclosed). */
export function renderMarkdown(markdown: string, options: RenderOptions = {}): DocumentFragment {
  const doc = options.document ?? document;
  const context: InlineContext = {
    doc,
    maxCitation: options.maxCitation ?? 0,
    citationTitles: options.citationTitles ?? [],
    citationTitle: options.citationTitle ?? ((n, title) => (title ? `Source ${n}: ${title}` : `Source ${n}`)),
    insideLink: false,
    depth: 0,
  };
  const fragment = doc.createDocumentFragment();
  const lines = markdown.slice(0, MAX_RENDERED_CHARACTERS).replace(/\r\n?/g, '\n').split('\n');

  let paragraphLines: string[] = [];
  let quoteLines: string[] = [];
  // Held in an object so the helper closures below can replace the open list.
  const open: { list: OpenList | null } = { list: null };

  const renderLinesInto = (target: HTMLElement, block: string[]): void => {
    block.forEach((line, position) => {
      if (position > 0) target.appendChild(doc.createElement('br'));
      renderInline(line, target, context);
    });
  };
  const closeParagraph = (): void => {
    if (!paragraphLines.length) return;
    const paragraph = doc.createElement('p');
    renderLinesInto(paragraph, paragraphLines);
    fragment.appendChild(paragraph);
    paragraphLines = [];
  };
  const closeQuote = (): void => {
    if (!quoteLines.length) return;
    const quote = doc.createElement('blockquote');
    renderLinesInto(quote, quoteLines);
    fragment.appendChild(quote);
    quoteLines = [];
  };
  const closeListItem = (): void => {
    const { list } = open;
    if (!list) return;
    if (list.lastItem) renderLinesInto(list.lastItem, list.lastItemLines);
    list.lastItem = null;
    list.lastItemLines = [];
  };
  const closeList = (): void => {
    if (!open.list) return;
    closeListItem();
    fragment.appendChild(open.list.element);
    open.list = null;
  };
  const closeAll = (): void => {
    closeParagraph();
    closeQuote();
    closeList();
  };
  const addListItem = (kind: ListKind, content: string, start: number): void => {
    closeParagraph();
    closeQuote();
    if (open.list && open.list.kind !== kind) closeList();
    if (!open.list) {
      const element = doc.createElement(kind);
      if (kind === 'ol' && start !== 1) element.setAttribute('start', String(start));
      open.list = { kind, element, lastItem: null, lastItemLines: [] };
    }
    closeListItem();
    const item = doc.createElement('li');
    open.list.element.appendChild(item);
    open.list.lastItem = item;
    open.list.lastItemLines = [content];
  };

  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index];
    const fence = FENCE.exec(line);
    if (fence) {
      closeAll();
      const marker = fence[1];
      const body: string[] = [];
      index += 1;
      while (
        index < lines.length &&
        !new RegExp(`^\\s{0,3}${marker[0] === '`' ? '`' : '~'}{${marker.length},}\\s*$`).test(lines[index])
      ) {
        body.push(lines[index]);
        index += 1;
      }
      const pre = doc.createElement('pre');
      const code = doc.createElement('code');
      if (fence[2]) code.className = `language-${fence[2].replace(/[^\w-]/g, '')}`;
      code.textContent = body.join('\n');
      pre.appendChild(code);
      fragment.appendChild(pre);
      continue;
    }
    if (!line.trim()) {
      closeAll();
      continue;
    }
    if (RULE.test(line)) {
      closeAll();
      fragment.appendChild(doc.createElement('hr'));
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      closeAll();
      const paragraph = doc.createElement('p');
      paragraph.className = 'heading';
      const strong = doc.createElement('strong');
      renderInline(heading[1], strong, context);
      paragraph.appendChild(strong);
      fragment.appendChild(paragraph);
      continue;
    }
    const bullet = BULLET.exec(line);
    if (bullet) {
      addListItem('ul', bullet[2], 1);
      continue;
    }
    const ordered = ORDERED.exec(line);
    if (ordered) {
      addListItem('ol', ordered[3], Number.parseInt(ordered[2], 10));
      continue;
    }
    const quote = QUOTE.exec(line);
    if (quote) {
      closeParagraph();
      closeList();
      quoteLines.push(quote[1]);
      continue;
    }
    if (open.list && /^\s+/.test(line)) {
      open.list.lastItemLines.push(line.trim());
      continue;
    }
    closeQuote();
    closeList();
    paragraphLines.push(line);
  }
  closeAll();
  return fragment;
}
