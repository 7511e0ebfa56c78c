import { describe, expect, it } from 'vitest';
import { chunkSections, countTokens } from './chunker';
import type { ParsedSection, TextChunk } from './types';

/** Distinct, numbered sentences so a test can tell where every piece of text went. */
function sentencesText(from: number, count: number): string {
  return Array.from(
    { length: count },
    (_, index) => `Sentence number ${from + index} talks about widgets and their many careful uses.`,
  ).join(' ');
}

function paragraph(id: number, sentences = 6): string {
  return sentencesText(id * 100, sentences);
}

/** The part of `next` that is not carried over from `previous`. */
function overlapOf(previous: TextChunk, next: TextChunk): string {
  for (let length = Math.min(previous.text.length, next.text.length); length > 0; length--) {
    if (previous.text.endsWith(next.text.slice(0, length))) return next.text.slice(0, length);
  }
  return '';
}

function expectWellFormed(chunks: TextChunk[], maxTokens: number): void {
  chunks.forEach((chunk, index) => {
    expect(chunk.index).toBe(index);
    expect(chunk.tokenCount).toBe(countTokens(chunk.text));
    expect(chunk.tokenCount).toBeLessThanOrEqual(maxTokens);
    expect(chunk.text).toBe(chunk.text.trim());
    expect(chunk.text.length).toBeGreaterThan(0);
  });
}

describe('chunkSections', () => {
  it('keeps a short document in one chunk with its heading and exact token count', () => {
    const chunks = chunkSections([{ text: 'Refunds take five days.\n\nContact support.', heading: 'Refunds' }]);
    expect(chunks).toEqual([
      {
        index: 0,
        text: 'Refunds take five days.\n\nContact support.',
        tokenCount: countTokens('Refunds take five days.\n\nContact support.'),
        heading: 'Refunds',
      },
    ]);
  });

  it('breaks between paragraphs and carries about overlapTokens from the previous chunk', () => {
    const paragraphs = Array.from({ length: 12 }, (_, index) => paragraph(index + 1, 5));
    const chunks = chunkSections([{ text: paragraphs.join('\n\n') }], { maxTokens: 300, overlapTokens: 40 });

    expect(chunks.length).toBeGreaterThan(3);
    expectWellFormed(chunks, 300);
    for (let index = 1; index < chunks.length; index++) {
      const overlap = overlapOf(chunks[index - 1], chunks[index]);
      expect(countTokens(overlap)).toBeGreaterThan(10);
      expect(countTokens(overlap)).toBeLessThanOrEqual(40);
      // After the overlap, a chunk starts at a paragraph boundary.
      const fresh = chunks[index].text.slice(overlap.length).trimStart();
      expect(paragraphs.some((text) => text.startsWith(fresh.slice(0, 30)))).toBe(true);
    }
    // Nothing is lost: every paragraph appears whole in some chunk.
    for (const text of paragraphs) expect(chunks.some((chunk) => chunk.text.includes(text))).toBe(true);
  });

  it('splits a paragraph longer than a chunk at sentence ends', () => {
    const text = sentencesText(1, 60);
    const chunks = chunkSections([{ text }], { maxTokens: 120, overlapTokens: 0 });
    expectWellFormed(chunks, 120);
    for (const chunk of chunks) expect(chunk.text).toMatch(/^Sentence number \d+ .*uses\.$/s);
    expect(chunks.map((chunk) => chunk.text).join(' ')).toBe(text);
  });

  it('splits a sentence longer than a chunk between words', () => {
    const words = Array.from({ length: 600 }, (_, index) => `word${index}`);
    const chunks = chunkSections([{ text: words.join(' ') }], { maxTokens: 100, overlapTokens: 0 });
    expectWellFormed(chunks, 100);
    expect(chunks.flatMap((chunk) => chunk.text.split(' '))).toEqual(words);
  });

  it('splits CJK text without spaces or punctuation quickly and without losing characters', () => {
    const text = '東京都の天気は晴れのち曇りで明日は雨が降るでしょう'.repeat(8000);
    const started = performance.now();
    const chunks = chunkSections([{ text }], { maxTokens: 500, overlapTokens: 0 });
    expect(performance.now() - started).toBeLessThan(5000);
    expectWellFormed(chunks, 500);
    expect(chunks.map((chunk) => chunk.text).join('')).toBe(text);
  });

  it('never puts text from under two headings in one chunk, nor overlaps across them', () => {
    const sections: ParsedSection[] = [
      { text: 'Intro without heading.' },
      { text: 'Plans cost ten euros.', heading: 'Pricing' },
      { text: 'Annual plans are cheaper.', heading: 'Pricing' },
      { text: paragraph(1, 30), heading: 'Security' },
    ];
    const chunks = chunkSections(sections, { maxTokens: 200, overlapTokens: 30 });
    expectWellFormed(chunks, 200);
    expect(chunks[0]).toMatchObject({ text: 'Intro without heading.' });
    expect(chunks[0].heading).toBeUndefined();
    expect(chunks[1]).toMatchObject({ text: 'Plans cost ten euros.\n\nAnnual plans are cheaper.', heading: 'Pricing' });
    const security = chunks.slice(2);
    expect(security.length).toBeGreaterThan(1);
    for (const chunk of security) {
      expect(chunk.heading).toBe('Security');
      expect(chunk.text).not.toMatch(/Annual plans/);
    }
  });

  it('keeps the first and last page, counting the page the overlap came from', () => {
    const sections: ParsedSection[] = [1, 2, 3, 4].map((page) => ({ text: paragraph(page, 8), page }));
    const chunks = chunkSections(sections, { maxTokens: 200, overlapTokens: 30 });
    expectWellFormed(chunks, 200);
    expect(chunks.length).toBeGreaterThanOrEqual(4);
    expect(chunks.some((chunk) => chunk.page !== chunk.pageEnd)).toBe(true);
    expect(chunks[0].page).toBe(1);
    expect(chunks[chunks.length - 1].pageEnd).toBe(4);
    for (const chunk of chunks) {
      // paragraph(page) numbers its sentences page*100 + n.
      const pages = [...chunk.text.matchAll(/Sentence number (\d+)/g)].map((match) =>
        Math.floor(Number(match[1]) / 100),
      );
      expect(Math.min(...pages)).toBeGreaterThanOrEqual(chunk.page ?? 0);
      expect(Math.max(...pages)).toBe(chunk.pageEnd);
    }
    for (let index = 1; index < chunks.length; index++) {
      expect(chunks[index].page).toBe(chunks[index - 1].pageEnd);
    }
  });

  it('merges CSV row ranges', () => {
    const sections: ParsedSection[] = [
      { text: 'a: 1\n\na: 2', rowStart: 1, rowEnd: 2 },
      { text: 'a: 3\n\na: 4', rowStart: 3, rowEnd: 4 },
    ];
    expect(chunkSections(sections)).toEqual([
      expect.objectContaining({ text: 'a: 1\n\na: 2\n\na: 3\n\na: 4', rowStart: 1, rowEnd: 4 }),
    ]);
  });

  it('treats special-token text as ordinary text', () => {
    const [chunk] = chunkSections([{ text: 'before <|endoftext|> after <|fim_prefix|>' }]);
    expect(chunk.text).toBe('before <|endoftext|> after <|fim_prefix|>');
    expect(chunk.tokenCount).toBeGreaterThan(5);
  });

  it('returns nothing for no text and rejects impossible options', () => {
    expect(chunkSections([])).toEqual([]);
    expect(chunkSections([{ text: ' \n\n ' }])).toEqual([]);
    expect(() => chunkSections([{ text: 'x' }], { maxTokens: 100, overlapTokens: 60 })).toThrow(RangeError);
    expect(() => chunkSections([{ text: 'x' }], { maxTokens: 4 })).toThrow(RangeError);
  });
});
