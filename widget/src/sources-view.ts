/** The chips under an answer: one per file and page, each listing the citation numbers that point at it. */
import { element } from './dom';
import { formatString, type UiStrings } from './i18n/en';
import type { ChatSource } from './types';

export interface SourceGroup {
  numbers: number[];
  source: ChatSource;
}

/** One chip per file and page; the chip lists every citation number that points at it. */
export function groupSources(sources: readonly ChatSource[]): SourceGroup[] {
  const groups = new Map<string, SourceGroup>();
  sources.forEach((source, index) => {
    const key = `${source.documentId || source.filename}\u0000${source.page ?? ''}`;
    const group = groups.get(key);
    if (group) group.numbers.push(index + 1);
    else groups.set(key, { numbers: [index + 1], source });
  });
  return [...groups.values()];
}

/** A source as people read it: a web page's title, `file.pdf, page 4` (in the widget's language), or the file name. */
export function sourceLabel(source: ChatSource, strings: UiStrings): string {
  const name = source.title || source.filename;
  return source.page ? formatString(strings.pageLong, { file: name, n: source.page }) : name;
}

/** A web page source links to its page; only http(s) URLs become links (never `javascript:`). */
export const pageUrl = (source: ChatSource): string | null =>
  source.url && /^https?:\/\//i.test(source.url) ? source.url : null;

/** Citation markers `[1]`, `[2, 3]` (not links `[x](…)`), for answers shown without their sources. */
const CITATION_MARKER = /[ \u00a0]?\[\d{1,3}(?:\s*,\s*\d{1,3})*\](?!\()/g;

/** `text` without its `[n]` citation markers (and the space before them). */
export function stripCitations(text: string): string {
  return text.replace(CITATION_MARKER, '');
}

/** Appends the "Sources" label and chips to `target`; file names are bidi-isolated (`<bdi>`). */
export function renderSources(
  doc: Document,
  target: HTMLElement,
  sources: readonly ChatSource[],
  strings: UiStrings,
): void {
  if (!sources.length) return;
  const list = element(doc, 'ul', { className: 'sources' });
  for (const group of groupSources(sources)) {
    const numbers = group.numbers.join(', ');
    const chip = element(doc, 'li', { className: 'source', title: group.source.snippet.slice(0, 300) }, [
      element(doc, 'span', { className: 'source-number', attributes: { 'aria-hidden': 'true' } }, [numbers]),
      element(doc, 'span', { className: 'sr-only' }, [`${formatString(strings.sourceNumber, { n: numbers })} `]),
      pageUrl(group.source)
        ? element(
            doc,
            'a',
            {
              className: 'source-name',
              attributes: { href: pageUrl(group.source)!, target: '_blank', rel: 'noopener noreferrer' },
            },
            [element(doc, 'bdi', {}, [group.source.title || group.source.filename])],
          )
        : element(doc, 'bdi', { className: 'source-name' }, [group.source.filename]),
      group.source.page
        ? element(doc, 'span', { className: 'source-page' }, [formatString(strings.page, { n: group.source.page })])
        : null,
    ]);
    list.appendChild(chip);
  }
  target.append(element(doc, 'p', { className: 'sources-label' }, [strings.sources]), list);
}
