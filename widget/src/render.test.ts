// @vitest-environment happy-dom
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR, corpusAvailable } from '../../tests/corpus';
import { renderMarkdown, safeLinkHref } from './render';

function render(markdown: string, options: Parameters<typeof renderMarkdown>[1] = {}): HTMLDivElement {
  const container = document.createElement('div');
  container.appendChild(renderMarkdown(markdown, options));
  return container;
}

describe('renderMarkdown', () => {
  it('splits paragraphs on blank lines and keeps single line breaks', () => {
    const html = render('First line\nsecond line\n\nNext paragraph').innerHTML;
    expect(html).toBe('<p>First line<br>second line</p><p>Next paragraph</p>');
  });

  it('renders bullet and numbered lists, keeping a numbered list start', () => {
    const container = render('Intro:\n- one\n* two **bold**\n\n3. three\n4. four');
    expect(container.querySelectorAll('ul > li')).toHaveLength(2);
    expect(container.querySelector('ul li strong')?.textContent).toBe('bold');
    const ordered = container.querySelector('ol');
    expect(ordered?.getAttribute('start')).toBe('3');
    expect(ordered?.querySelectorAll('li')).toHaveLength(2);
    expect(container.firstElementChild?.tagName).toBe('P');
  });

  it('continues a list item on an indented line', () => {
    const container = render('- item\n  more of it\n- next');
    expect(container.querySelectorAll('li')).toHaveLength(2);
    expect(container.querySelector('li')?.innerHTML).toBe('item<br>more of it');
  });

  it('renders bold, italic and inline code without interpreting code contents', () => {
    const container = render('**Bold** and *italic* and `<b>x</b> **no**`');
    expect(container.querySelector('strong')?.textContent).toBe('Bold');
    expect(container.querySelector('em')?.textContent).toBe('italic');
    expect(container.querySelector('code')?.textContent).toBe('<b>x</b> **no**');
    expect(container.querySelector('b')).toBeNull();
  });

  it('leaves snake_case words and unmatched markers alone', () => {
    expect(render('use snake_case_names and 2 * 3 * 4 and **open').textContent).toBe(
      'use snake_case_names and 2 * 3 * 4 and **open',
    );
    expect(render('snake_case_names').querySelector('em')).toBeNull();
  });

  it('renders fenced code blocks verbatim, also while the fence is still open', () => {
    const closed = render('```js\nconst a = "<script>";\n\nreturn a;\n```\nafter');
    expect(closed.querySelector('pre code')?.textContent).toBe('const a = "<script>";\n\nreturn a;');
    expect(closed.querySelector('pre code')?.className).toBe('language-js');
    expect(closed.querySelector('p')?.textContent).toBe('after');
    const streaming = render('Here:\n```\nline 1');
    expect(streaming.querySelector('pre code')?.textContent).toBe('line 1');
  });

  it('turns http(s) links into safe new-tab links', () => {
    const container = render(
      'See [the guide](https://example.com/a_(b)?q=1 "Title") or <https://example.org> or https://example.net/x.',
    );
    const links = [...container.querySelectorAll('a')];
    expect(links.map((link) => link.getAttribute('href'))).toEqual([
      'https://example.com/a_(b)?q=1',
      'https://example.org/',
      'https://example.net/x',
    ]);
    for (const link of links) {
      expect(link.getAttribute('rel')).toBe('noopener noreferrer');
      expect(link.getAttribute('target')).toBe('_blank');
    }
    expect(links[0].textContent).toBe('the guide');
    expect(container.textContent?.endsWith('https://example.net/x.')).toBe(true);
  });

  it('keeps the label but drops the link for unsafe or relative URLs', () => {
    for (const href of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      '/relative',
      'vbscript:x',
      '//evil.example',
      ' javascript:alert(1)',
    ]) {
      const container = render(`[click me](${href})`);
      expect(container.querySelector('a')).toBeNull();
      expect(container.textContent).toBe('click me');
    }
  });

  it('renders citation markers as superscripts only when a source exists', () => {
    const cited = render('Returns take 60 days [1][2] and [3].', {
      maxCitation: 2,
      citationTitles: ['policy.pdf, page 2', 'faq.txt'],
    });
    const markers = [...cited.querySelectorAll('sup.cite')];
    expect(markers.map((marker) => marker.textContent)).toEqual(['1', '2']);
    expect(markers[0].getAttribute('title')).toBe('Source 1: policy.pdf, page 2');
    expect(cited.textContent).toContain('[3]');
    expect(render('See [1].').querySelector('sup')).toBeNull();
    expect(render('Both [1, 2].', { maxCitation: 2 }).querySelectorAll('sup')).toHaveLength(2);
  });

  it('renders headings as bold paragraphs, quotes and rules', () => {
    const container = render('## Shipping\n> quoted\n\n---\nend');
    expect(container.querySelector('p.heading strong')?.textContent).toBe('Shipping');
    expect(container.querySelector('blockquote')?.textContent).toBe('quoted');
    expect(container.querySelector('hr')).not.toBeNull();
  });

  it('treats backslash escapes as literal characters', () => {
    expect(render('\\*not italic\\* and \\[1\\]', { maxCitation: 5 }).innerHTML).toBe('<p>*not italic* and [1]</p>');
  });

  it('shows HTML in answers as text', () => {
    const container = render('<img src=x onerror=alert(1)> <script>alert(1)</script>');
    expect(container.children).toHaveLength(1);
    expect(container.querySelector('img, script')).toBeNull();
    expect(container.textContent).toBe('<img src=x onerror=alert(1)> <script>alert(1)</script>');
  });

  it('survives deeply nested emphasis without recursion trouble', () => {
    const nested = `${'**a *'.repeat(200)}x${'* a**'.repeat(200)}`;
    expect(() => render(nested)).not.toThrow();
  });
});

describe('safeLinkHref', () => {
  it('accepts only absolute http and https URLs', () => {
    expect(safeLinkHref('https://example.com')).toBe('https://example.com/');
    expect(safeLinkHref('HTTP://EXAMPLE.com/A')).toBe('http://example.com/A');
    expect(safeLinkHref('javascript:alert(1)')).toBeNull();
    expect(safeLinkHref('https://')).toBeNull();
    expect(safeLinkHref('ftp://example.com')).toBeNull();
  });
});

const ALLOWED_TAGS = new Set([
  'P',
  'BR',
  'UL',
  'OL',
  'LI',
  'STRONG',
  'EM',
  'CODE',
  'PRE',
  'A',
  'SUP',
  'HR',
  'BLOCKQUOTE',
]);
const ALLOWED_ATTRIBUTES = new Set(['href', 'rel', 'target', 'class', 'title', 'start']);

describe.skipIf(!corpusAvailable)('renderMarkdown with the payloadbox XSS payload list', () => {
  it('creates no script, no event handler attribute and no javascript:/data: link for any payload', () => {
    const payloads = readFileSync(path.join(CORPUS_DIR, 'strings', 'payloadbox-xss-payload-list.txt'), 'utf8')
      .split(/\r?\n/)
      .filter(Boolean);
    expect(payloads.length).toBeGreaterThan(6000);
    // Each payload alone and wrapped in the markdown constructs that create links and code.
    const variants = (payload: string): string[] => [
      payload,
      `[x](${payload})`,
      `**${payload}** \`${payload}\``,
      `- ${payload}\n\n> ${payload}`,
    ];
    for (const payload of payloads) {
      for (const markdown of variants(payload)) {
        const container = render(markdown, { maxCitation: 3 });
        for (const node of container.querySelectorAll('*')) {
          expect(ALLOWED_TAGS.has(node.tagName), `${node.tagName} from ${payload}`).toBe(true);
          for (const attribute of node.getAttributeNames()) {
            expect(ALLOWED_ATTRIBUTES.has(attribute), `${attribute} from ${payload}`).toBe(true);
          }
          const href = node.getAttribute('href');
          if (href !== null) expect(href, payload).toMatch(/^https?:\/\//);
        }
        expect(container.querySelector('script, iframe, object, embed, svg, img, style')).toBeNull();
      }
    }
  });
});
