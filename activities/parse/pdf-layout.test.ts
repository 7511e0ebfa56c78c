import { describe, expect, it } from 'vitest';
import { layoutPages } from './pdf-layout';
import type { PdfPageContent, PdfTextItem } from './run-extraction';

/** Lines of 11 pt body text from the top of a page, 14 pt apart, at x = 72. */
function page(number: number, lines: string[], extra: PdfTextItem[] = []): PdfPageContent {
  const items: PdfTextItem[] = lines.map((text, index) => [
    text,
    72,
    700 - index * 14,
    text.length * 5.5,
    11,
    'body',
    0,
    1,
    0,
  ]);
  return { page: number, items: [...items, ...extra], fields: [] };
}

const header = (number: number): PdfTextItem[] => [
  ['ACME Blender Manual', 72, 760, 110, 9, 'small', 0, 1, 0],
  [String(number), 300, 40, 6, 9, 'small', 0, 1, 0],
];

describe('layoutPages', () => {
  it('drops running headers and page numbers, joins wrapped lines and undoes hyphens', () => {
    const names = ['first', 'second', 'third'];
    const body = (name: string) => [
      `The ${name} jar is made of glass and holds one and a half`,
      'litres. Clean it after each use with a soft sponge',
      'and a little deter-',
      `gent; never put the ${name} jar in the dishwasher.`,
    ];
    const pages = names.map((name, index) => page(index + 1, body(name), header(index + 1)));
    const texts = layoutPages(pages).map((result) => result.text);
    names.forEach((name, index) => {
      expect(texts[index]).toBe(
        `The ${name} jar is made of glass and holds one and a half litres. Clean it after each use with a soft sponge and a little detergent; never put the ${name} jar in the dishwasher.`,
      );
    });
  });

  it('writes check boxes and text fields where the form shows them', () => {
    const form = page(1, ['Name:', 'Newsletter']);
    form.fields = [
      { text: 'Dana Whitfield', label: 'member_name', rect: [200, 695, 400, 715] },
      { text: '\u2611', label: 'newsletter', box: true, rect: [50, 683, 62, 695] },
      { text: '555-0147', label: 'Emergency phone', rect: [72, 600, 200, 620] },
    ];
    const [{ text }] = layoutPages([form]);
    expect(text).toContain('Name: Dana Whitfield');
    expect(text).toContain('\u2611 Newsletter');
    expect(text).toContain('Emergency phone: 555-0147');
  });
});
