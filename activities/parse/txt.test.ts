import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { DocumentParseError } from '../../core/errors';
import { normalizeWhitespace } from './normalize-text';
import { parseTxt } from './txt';

describe('parseTxt', () => {
  it('turns markdown headings into section headings, outside code fences only', () => {
    const markdown = [
      'Intro line.',
      '',
      '# Getting started',
      'Install it.',
      '',
      '```sh',
      '# not a heading',
      '```',
      '## Billing ##',
      'Pay monthly.',
    ].join('\n');

    expect(parseTxt(Buffer.from(markdown)).sections).toEqual([
      { text: 'Intro line.' },
      { heading: 'Getting started', text: 'Install it.\n\n```sh\n# not a heading\n```' },
      { heading: 'Billing', text: 'Pay monthly.' },
    ]);
  });

  it('keeps a document made only of headings', () => {
    expect(parseTxt(Buffer.from('# Title\n## Subtitle\n')).sections).toEqual([{ text: 'Title\n\nSubtitle' }]);
  });

  it('decodes legacy encodings and reports the encoding', () => {
    const text = 'Привет, мир! Это обычный текст на русском языке, сохранённый в старой кодировке. '.repeat(4);
    const parsed = parseTxt(iconv.encode(text, 'windows-1251'));
    expect(parsed.encoding).toBe('windows-1251');
    expect(parsed.sections[0].text).toBe(text.trim());
  });

  it.each([
    ['empty', Buffer.alloc(0)],
    ['whitespace-only', Buffer.from('\n \t\n\n')],
  ])('refuses an %s file with a clear message', (_name, bytes) => {
    let error: unknown;
    try {
      parseTxt(bytes);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DocumentParseError);
    expect((error as DocumentParseError).code).toBe('empty_document');
    expect((error as DocumentParseError).message).toMatch(/empty/);
  });
});

describe('normalizeWhitespace', () => {
  it('collapses spaces, trims lines and keeps at most one blank line', () => {
    expect(normalizeWhitespace('  a\t\tb  \n\n\n\n c\u00a0 d \u200b\n')).toBe('a b\n\nc d');
  });

  it('keeps the indentation of nested list items', () => {
    expect(normalizeWhitespace('- a\n    - b\n   plain')).toBe('- a\n    - b\nplain');
  });
});

describe('parseTxt on XML saved as text', () => {
  it('reads the text of the elements, not the tags', () => {
    const feed =
      '<?xml version="1.0"?>\n<rss xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Shop news</title><item><description><![CDATA[Opening hours <b>change</b> in May.]]></description><dc:date>2024-05-01</dc:date></item></channel></rss>';
    const text = parseTxt(Buffer.from(feed))
      .sections.map((section) => section.text)
      .join('\n');
    expect(text).toContain('Shop news');
    expect(text).toContain('Opening hours <b>change</b> in May.');
    expect(text).not.toMatch(/<\/?(rss|channel|item|dc:date)/);
  });
});
