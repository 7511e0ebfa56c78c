import { createHash } from 'node:crypto';
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { DocumentParseError } from '../../core/errors';
import type { ParsedDocument, ParsedSection } from '../../core/ingestion/types';
import { htmlToSections } from './docx-html';
import { cleanSections } from './normalize-text';

/** What a web page holds for us: its main text as sections, and what a crawler needs from it. */
export interface HtmlPage {
  title: string;
  /** Main text: headings name the text under them; lists as "- item"; tables as "Header: value; …" rows. */
  sections: ParsedSection[];
  /** `<link rel="canonical">`, resolved against the page URL. */
  canonicalUrl: string | null;
  /** Absolute http(s) links without fragments, in document order, `rel="nofollow"` ones left out. */
  links: string[];
  /** `<meta name="robots">` asks not to index / not to follow. */
  noindex: boolean;
  nofollow: boolean;
  /** sha256 of the extracted title and sections: equal hashes mean nothing a visitor could ask about changed. */
  contentHash: string;
}

/** Page furniture that is never the answer: dropped before the main text is found. */
const FURNITURE =
  'title, meta, link, base, script, style, noscript, template, iframe, svg, canvas, nav, header, footer, aside, form, button, dialog, [role="navigation"], [role="banner"], [role="contentinfo"], [role="dialog"], [aria-hidden="true"], [hidden]';
/** Cookie and consent banners (the common CMPs name themselves in id or class). */
const CONSENT = /(^|[\s_-])(cookie|cookies|consent|gdpr|cmp|onetrust|cookiebot|didomi|truste|usercentrics)([\s_-]|$)/i;

/**
 * Reads an HTML page: links, canonical and robots meta first (from the whole page), then the main
 * text with Mozilla Readability (the Firefox Reader View algorithm) over a linkedom DOM, after
 * dropping navigation, header, footer, scripts, styles, forms and cookie banners. The page title
 * is the heading of text that has none. `url` resolves relative links.
 */
export function readHtmlPage({ html, url }: { html: string; url: string }): HtmlPage {
  let { document } = parseHTML(html);
  // linkedom builds no <body> for a fragment: give it the document shape a browser would.
  if (!document.body || document.documentElement?.tagName !== 'HTML')
    ({ document } = parseHTML(`<!doctype html><html><head></head><body>${html}</body></html>`));
  const base = baseUrl(document, url);
  const robots = (document.querySelector('meta[name="robots" i]')?.getAttribute('content') ?? '').toLowerCase();
  const canonicalHref = document.querySelector('link[rel~="canonical" i]')?.getAttribute('href');
  const links: string[] = [];
  for (const anchor of document.querySelectorAll('a[href]')) {
    if (/\bnofollow\b/i.test(anchor.getAttribute('rel') ?? '')) continue;
    const link = absolute(anchor.getAttribute('href') ?? '', base);
    if (link) links.push(link);
  }

  const pageTitle =
    oneLine(document.querySelector('title')?.textContent ?? '') ||
    oneLine(document.querySelector('h1')?.textContent ?? '');
  for (const element of [...document.querySelectorAll(FURNITURE)]) element.remove();
  for (const element of [...document.querySelectorAll('[id], [class]')]) {
    if (CONSENT.test(`${element.getAttribute('id') ?? ''} ${element.getAttribute('class') ?? ''}`)) element.remove();
  }
  const fallbackHtml =
    document.querySelector('main, [role="main"], article')?.innerHTML ?? document.body?.innerHTML ?? '';
  let article: { title?: string | null; content?: string | null } | null = null;
  try {
    article = new Readability(document as unknown as Document, { charThreshold: 200, keepClasses: false }).parse();
  } catch {
    article = null;
  }
  const title = pageTitle || oneLine(article?.title ?? '');
  let sections = htmlToSections(asSectionHtml(article?.content || fallbackHtml));
  if (sections.length === 0 && article?.content) sections = htmlToSections(asSectionHtml(fallbackHtml));
  sections = cleanSections(sections).map((section) =>
    section.heading || !title ? section : { ...section, heading: title },
  );
  const contentHash = createHash('sha256').update(JSON.stringify({ title, sections })).digest('hex');
  return {
    title,
    sections,
    canonicalUrl: canonicalHref ? absolute(canonicalHref, base) : null,
    links: [...new Set(links)],
    noindex: /\b(noindex|none)\b/.test(robots),
    nofollow: /\b(nofollow|none)\b/.test(robots),
    contentHash,
  };
}

/** The `html` parse type: a page stored by a website source (UTF-8), reduced to its main text. */
export function parseHtml(bytes: Uint8Array, url = 'http://localhost/'): ParsedDocument {
  const page = readHtmlPage({ html: new TextDecoder('utf-8').decode(bytes), url });
  if (page.sections.length === 0) {
    throw new DocumentParseError({
      code: 'empty_document',
      message: 'This page has no readable text (it may be built by scripts or consist of images only).',
    });
  }
  return { sections: page.sections, encoding: 'utf-8' };
}

/**
 * Decodes fetched HTML bytes: the charset of the Content-Type header, else a `<meta charset>`
 * in the first 1024 bytes (the HTML standard's prescan window), else UTF-8.
 */
export function decodeHtml(bytes: Uint8Array, contentType = ''): string {
  const declared =
    /charset\s*=\s*["']?([\w.:-]+)/i.exec(contentType)?.[1] ??
    /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i.exec(new TextDecoder('latin1').decode(bytes.subarray(0, 1024)))?.[1];
  try {
    return new TextDecoder(declared ?? 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

function baseUrl(
  document: { querySelector(selector: string): { getAttribute(name: string): string | null } | null },
  url: string,
): string {
  const href = document.querySelector('base[href]')?.getAttribute('href');
  return (href && absolute(href, url)) || url;
}

function absolute(href: string, base: string): string | null {
  try {
    const url = new URL(href.trim(), base);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    url.hash = '';
    return url.href;
  } catch {
    return null;
  }
}

/**
 * htmlToSections (shared with DOCX) knows the block tags mammoth writes; web pages wrap text in
 * HTML5 containers too. Serialised DOM output is well-formed, so tags can be renamed in place:
 * containers become <div>, term/summary/caption lines become <p>.
 */
function asSectionHtml(html: string): string {
  return html
    .replace(/<(\/?)(main|section|article|figure|details|dl|hgroup|center)\b/gi, '<$1div')
    .replace(/<(\/?)(dt|dd|summary|figcaption|address)\b/gi, '<$1p');
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();
