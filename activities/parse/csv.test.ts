import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { DocumentParseError } from '../../core/errors';
import { parseCsv } from './csv';

function parseError(run: () => unknown): DocumentParseError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DocumentParseError);
    return error as DocumentParseError;
  }
  throw new Error('expected a DocumentParseError');
}

describe('parseCsv', () => {
  it('writes each row as one line of "column: value" pairs with 1-based data row numbers', () => {
    const parsed = parseCsv(Buffer.from('Name,City,Notes\nAnn,Paris,"likes ""tea"", coffee"\nBob,,\n'));
    expect(parsed.sections).toEqual([
      { text: 'Name: Ann; City: Paris; Notes: likes "tea", coffee\n\nName: Bob', rowStart: 1, rowEnd: 2 },
    ]);
    expect(parsed.encoding).toBe('utf-8');
  });

  it.each([
    ['semicolon', 'a;b\n1,5;2\n3;4\n'],
    ['tab', 'a\tb\n1,5\t2\n3\t4\n'],
    ['pipe', 'a|b\n1,5|2\n3|4\n'],
  ])('detects a %s delimiter', (_name, csv) => {
    expect(parseCsv(Buffer.from(csv)).sections[0].text).toBe('a: 1,5; b: 2\n\na: 3; b: 4');
  });

  it('groups rows into sections of at most 20 rows and keeps their ranges', () => {
    const rows = Array.from({ length: 45 }, (_, index) => `${index + 1},item ${index + 1}`);
    const { sections } = parseCsv(Buffer.from(['id,name', ...rows].join('\n')));
    expect(sections.map(({ rowStart, rowEnd }) => [rowStart, rowEnd])).toEqual([
      [1, 20],
      [21, 40],
      [41, 45],
    ]);
    expect(sections[2].text).toContain('id: 45; name: item 45');
  });

  it('starts a new section once rows add up to about 1500 characters', () => {
    const rows = Array.from({ length: 6 }, (_, index) => `${index + 1},${'x'.repeat(400)}`);
    const { sections } = parseCsv(Buffer.from(['id,text', ...rows].join('\n')));
    expect(sections.map(({ rowStart, rowEnd }) => [rowStart, rowEnd])).toEqual([
      [1, 4],
      [5, 6],
    ]);
  });

  it('reads UTF-16 with a BOM and tolerates ragged rows and stray quotes', () => {
    const csv = '\ufeffTeam,Location,Cups\nBlues,STL,1\nFlyers,PHI\nLeafs,TOR,13,extra\nHe said "hi,there\n';
    const { sections, encoding } = parseCsv(iconv.encode(csv, 'utf-16le'));
    expect(encoding).toBe('utf-16le');
    expect(sections[0].text).toContain('Team: Flyers; Location: PHI');
    expect(sections[0].text).toContain('Cups: 13; Column 4: extra');
    expect(sections[0].text).toContain('He said "hi');
  });

  it('reads every row of a file whose quote is never closed', () => {
    const { sections } = parseCsv(Buffer.from('a,b\n1,"open\n2,3\n'));
    expect(sections[0].text).toBe('a: 1; b: "open\n\na: 2; b: 3');
  });

  it('uses a title line above the header as the heading', () => {
    const { sections } = parseCsv(Buffer.from('Stanley Cups,,\nTeam,Location,Cups\nBlues,STL,1\n'));
    expect(sections).toEqual([
      { text: 'Team: Blues; Location: STL; Cups: 1', rowStart: 1, rowEnd: 1, heading: 'Stanley Cups' },
    ]);
  });

  it('keeps formula-looking cells as inert text', () => {
    const { sections } = parseCsv(Buffer.from("payload\n=cmd|'/C calc'!A0\n@SUM(1+1)\n"));
    expect(sections[0].text).toBe("payload: =cmd|'/C calc'!A0\n\npayload: @SUM(1+1)");
  });

  it('explains an empty file and a header without rows', () => {
    expect(parseError(() => parseCsv(Buffer.from(' \n\n'))).code).toBe('empty_document');
    const headerOnly = parseError(() => parseCsv(Buffer.from('a,b,c\n')));
    expect(headerOnly.code).toBe('empty_document');
    expect(headerOnly.message).toMatch(/header row but no data rows/);
  });
});
