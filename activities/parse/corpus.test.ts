import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, DocumentParseError } from '../../core/errors';
import { chunkSections } from '../../core/ingestion/chunker';
import { detectFileType } from '../../core/ingestion/detect-type';
import type { FileType, ParsedDocument } from '../../core/ingestion/types';
import { corpusAvailable, corpusFiles } from '../../tests/corpus';
import { DEFAULT_EXTRACTION_LIMITS, parseDocument } from './index';

const TYPED_FOLDERS: FileType[] = ['pdf', 'docx', 'csv', 'txt'];

/**
 * What each file in bad/ must do: be refused at upload (415) or fail with a message its uploader
 * can act on. pdf.js silently rebuilds or skips much of what makes these files bad; the parser
 * refuses what it rebuilt from a broken cross-reference table (pdf_damaged) and structures that
 * refer to themselves (pdf_unsafe). The CVE-2024-4367 proof of concept fails as damaged: its
 * cross-reference table is broken, and pdf.js gives no sign of the non-numeric FontMatrix (it
 * silently uses the identity matrix, and never evaluates it: isEvalSupported is false).
 */
const BAD_FILE_EXPECTATIONS: Record<string, { refusedWith: string } | { failsWith: string }> = {
  'CVE-2024-4367-poc.pdf': { failsWith: 'pdf_damaged' },
  'DERIVED-tracemonkey-truncated-400000B.pdf': { failsWith: 'pdf_corrupt' },
  'mammoth-empty-zip-named.docx': { refusedWith: 'no word/document.xml' },
  'pdfjs-helloworld-bad.pdf': { failsWith: 'pdf_damaged' },
  'pdfjs-issue5549-scanned-no-text.pdf': { failsWith: 'no_text_found' },
  'pdfjs-issue6010_1-encrypted-userpw-abc.pdf': { failsWith: 'pdf_encrypted' },
  'pdfjs-xref_command_missing.pdf': { failsWith: 'pdf_damaged' },
  'pdfminer-issue-1113-evil-xobjects.pdf': { failsWith: 'pdf_unsafe' },
  'poi-poc-xmlbomb-xlsx-named.docx': { refusedWith: 'Excel workbook' },
  'samplefiles-libreoffice-writer-password.pdf': { failsWith: 'pdf_encrypted' },
  'unstructured-all-whitespace.txt': { failsWith: 'empty_document' },
  'unstructured-empty.txt': { failsWith: 'empty_document' },
  'unstructured-example-10k-1p-html-named.pdf': { refusedWith: 'HTML web page, not a PDF' },
  'unstructured-ole-doc-named.docx': { refusedWith: 'Legacy Word .doc files are not supported' },
};

/**
 * The bad/ files that are read, and why no principled rule refuses them without also refusing
 * good files. Each is asserted to parse to its real text; anything else in bad/ that parses fails
 * the suite.
 */
const READ_DESPITE_BEING_IN_BAD: Record<string, RegExp> = {
  // Its structure is sound; only the Adler-32 checksum at the end of its one compressed stream is
  // wrong, and the text decodes in full. Acrobat, pdf.js, Ghostscript, qpdf and MuPDF all ignore
  // that checksum on purpose, because real files from buggy writers carry bad ones.
  'pdfminer-zen_of_python_corrupted.pdf': /Beautiful is better than ugly\.[\s\S]*Namespaces are one honking great idea/,
  // A valid linearized PDF: both cross-reference streams match every object, pdf.js reads it
  // without a single warning, and its upstream test suite now says it is not an invalid PDF (it
  // once tripped a pdfminer bug).
  'unstructured-invalid-pdf-structure-one-page.pdf': /Cybersecurity/,
};

interface Outcome {
  folder: string;
  file: string;
  detected?: FileType;
  refused?: AppError;
  parsed?: ParsedDocument;
  failed?: DocumentParseError;
  unexpected?: unknown;
  ms: number;
}

const outcomes = new Map<string, Outcome>();
const key = (folder: string, file: string) => `${folder}/${file}`;

async function runFile(filePath: string): Promise<Outcome> {
  const folder = path.basename(path.dirname(filePath));
  const file = path.basename(filePath);
  const bytes = readFileSync(filePath);
  const started = performance.now();
  const outcome: Outcome = { folder, file, ms: 0 };
  try {
    outcome.detected = detectFileType({ bytes, filename: file });
    outcome.parsed = await parseDocument({ bytes, fileType: outcome.detected });
  } catch (error) {
    if (error instanceof DocumentParseError) outcome.failed = error;
    else if (error instanceof AppError && error.code === 'unsupported_file_type') outcome.refused = error;
    else outcome.unexpected = error;
  }
  outcome.ms = performance.now() - started;
  return outcome;
}

/** Two at a time: the machine has two cores and each PDF/DOCX runs in its own worker thread. */
async function runAll(paths: string[]): Promise<void> {
  const queue = [...paths];
  await Promise.all(
    [0, 1].map(async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const outcome = await runFile(next);
        outcomes.set(key(outcome.folder, outcome.file), outcome);
      }
    }),
  );
}

function expectReadableMessage(message: string): void {
  expect(message.length).toBeGreaterThan(30);
  expect(message).toMatch(/^[A-Z]/);
  expect(message).toMatch(/\.$/);
  expect(message).not.toMatch(/\bat \S+:\d+|undefined|\[object|Error:|ENOENT|errno/);
}

function textOf(parsed: ParsedDocument): string {
  return parsed.sections.map((section) => section.text).join('\n\n');
}

describe.skipIf(!corpusAvailable)('parsing the shared corpus', () => {
  beforeAll(async () => {
    await runAll([...TYPED_FOLDERS.flatMap((folder) => corpusFiles(folder)), ...corpusFiles('bad')]);
  }, 180_000);

  afterAll(() => {
    const rows = [...outcomes.values()].map((outcome) => ({
      file: key(outcome.folder, outcome.file),
      type: outcome.detected ?? '-',
      result: outcome.parsed
        ? `ok: ${outcome.parsed.sections.length} sections, ${textOf(outcome.parsed).length} chars${outcome.parsed.pageCount ? `, ${outcome.parsed.pageCount} pages` : ''}`
        : outcome.failed
          ? `422 ${outcome.failed.code}`
          : outcome.refused
            ? '415 unsupported_file_type'
            : `UNEXPECTED ${String(outcome.unexpected)}`,
      ms: Math.round(outcome.ms),
    }));
    console.log('Corpus parse results');
    console.table(rows);
  });

  it.each(TYPED_FOLDERS)('detects every file in %s/ as that type and reads it or explains why not', (folder) => {
    const files = corpusFiles(folder).map((filePath) => path.basename(filePath));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const outcome = outcomes.get(key(folder, file));
      expect(outcome, file).toBeDefined();
      expect(outcome?.unexpected, file).toBeUndefined();
      expect(outcome?.detected, file).toBe(folder);
      if (outcome?.parsed) {
        expect(textOf(outcome.parsed).trim().length, file).toBeGreaterThan(0);
        for (const section of outcome.parsed.sections) expect(section.text.trim(), file).toBe(section.text);
      } else {
        expect(outcome?.failed, file).toBeInstanceOf(DocumentParseError);
        expectReadableMessage(outcome?.failed?.message ?? '');
      }
    }
  });

  it('reads the text of nearly every good file', () => {
    const good = [...outcomes.values()].filter((outcome) => outcome.folder !== 'bad');
    const failures = good
      .filter((outcome) => !outcome.parsed)
      .map((outcome) => `${outcome.file}: ${outcome.failed?.code}`);
    // The only good-folder file without text: a .docx holding nothing but images.
    expect(failures).toEqual(['pythondocx-having-images.docx: empty_document']);
  });

  it('refuses no PDF in pdf/, including one written without a cross-reference table', () => {
    const pdfs = corpusFiles('pdf').map((filePath) => path.basename(filePath));
    expect(pdfs.length).toBeGreaterThan(20);
    for (const file of pdfs) expect(outcomes.get(key('pdf', file))?.failed?.code, file).toBeUndefined();
    // pdf.js rebuilds its index (as for the damaged files in bad/), but the file is complete and contradicts nothing.
    expect(textOf(outcomes.get(key('pdf', 'pdfminer-simple1.pdf'))?.parsed ?? { sections: [] })).toContain(
      'Hello World',
    );
  });

  it('refuses or fails every bad file with a readable message, within the time limit, except the documented ones', () => {
    const files = corpusFiles('bad').map((filePath) => path.basename(filePath));
    expect(files.sort()).toEqual(
      [...Object.keys(BAD_FILE_EXPECTATIONS), ...Object.keys(READ_DESPITE_BEING_IN_BAD)].sort(),
    );
    for (const file of files) {
      const outcome = outcomes.get(key('bad', file));
      expect(outcome?.unexpected, file).toBeUndefined();
      expect(outcome?.ms, file).toBeLessThan(DEFAULT_EXTRACTION_LIMITS.timeoutMs);
    }

    const read = files.filter((file) => outcomes.get(key('bad', file))?.parsed).sort();
    expect(read).toEqual(Object.keys(READ_DESPITE_BEING_IN_BAD).sort());
    for (const [file, text] of Object.entries(READ_DESPITE_BEING_IN_BAD)) {
      expect(textOf(outcomes.get(key('bad', file))?.parsed ?? { sections: [] }), file).toMatch(text);
    }

    for (const [file, expected] of Object.entries(BAD_FILE_EXPECTATIONS)) {
      const outcome = outcomes.get(key('bad', file));
      if ('refusedWith' in expected) {
        expect(outcome?.refused?.status, file).toBe(415);
        expect(outcome?.refused?.message, file).toContain(expected.refusedWith);
        expect(outcome?.refused?.message, file).toMatch(/\.$/);
      } else {
        expect(outcome?.failed?.code, file).toBe(expected.failsWith);
        expect(outcome?.failed?.status, file).toBe(422);
        expectReadableMessage(outcome?.failed?.message ?? '');
      }
    }
  });

  it('writes docx table rows as "Header: value" pairs, one row per line', () => {
    const parsed = outcomes.get(key('docx', 'mammoth-tables.docx'))?.parsed;
    expect(textOf(parsed ?? { sections: [] })).toContain('Top left: Bottom left; Top right: Bottom right');
  });

  it('keeps the page number of each of the 400 pages', () => {
    const parsed = outcomes.get(key('pdf', 'unstructured-400p.pdf'))?.parsed;
    expect(parsed?.pageCount).toBe(400);
    const pages = parsed?.sections.map((section) => section.page) ?? [];
    expect(pages.length).toBeGreaterThan(390);
    expect(
      pages.every(
        (page, index) =>
          page !== undefined && page >= 1 && page <= 400 && (index === 0 || page > (pages[index - 1] ?? 0)),
      ),
    ).toBe(true);
    // The last page or two are blank, so they have no section.
    expect(pages[pages.length - 1]).toBeGreaterThanOrEqual(395);

    // A chunk cites the page its text came from.
    const chunks = chunkSections(parsed?.sections ?? []);
    for (const section of parsed?.sections.filter((_, index) => index % 50 === 25) ?? []) {
      // Pages of one form open alike once running headers are gone: any chunk holding the text may be the one.
      const opening = section.text.slice(0, 60);
      const holding = chunks.filter((candidate) => candidate.text.includes(opening));
      expect(holding.length, `page ${section.page}`).toBeGreaterThan(0);
      const page = section.page ?? 0;
      expect(
        holding.some((chunk) => (chunk.page ?? 0) <= page && (chunk.pageEnd ?? 0) >= page),
        `page ${page}`,
      ).toBe(true);
    }
  });

  it('reads text in other scripts and encodings', () => {
    const text = (folder: string, file: string) => textOf(outcomes.get(key(folder, file))?.parsed ?? { sections: [] });
    expect(text('pdf', 'pdfjs-vertical-japanese.pdf')).toContain('日本語');
    expect(text('pdf', 'pypdf-multilang.pdf')).toContain('Привет, мир');
    expect(text('txt', 'chardet-shift_jis.txt')).toMatch(/[\u3040-\u30ff]/);
    expect(text('txt', 'chardet-iso-8859-1-ude_1.txt')).toContain('tão');
    expect(text('txt', 'chardet-nobom-utf16be.txt')).toContain('DateTime,Bid,Ask');
    expect(text('txt', 'unstructured-fake-text-utf-32.txt')).toContain('Doylestown');
    expect(text('csv', 'unstructured-stanley-cups-utf-16.csv')).toContain('Team: Maple Leafs');
    expect(text('csv', 'unstructured-semicolon-delimited.csv')).toContain('dolor sit: adipiscing');
    expect(text('docx', 'poi-bib-chernigovka-russian.docx')).toContain('Январь');
  });

  it('leaves no line-end hyphen split of a word that occurs whole elsewhere in the same PDF or TXT', () => {
    const splits: string[] = [];
    for (const outcome of outcomes.values()) {
      if (!outcome.parsed || (outcome.folder !== 'pdf' && outcome.folder !== 'txt')) continue;
      const words = new Set(
        textOf(outcome.parsed)
          .toLowerCase()
          .match(/\p{L}+/gu) ?? [],
      );
      for (const chunk of chunkSections(outcome.parsed.sections)) {
        // "exe- cuted" or "exe-\ncuted": a hyphen after letters, then whitespace, then a lowercase word.
        for (const match of chunk.text.matchAll(/(\p{L}+)-[ \n]+(\p{Ll}+)/gu)) {
          const joined = (match[1] + match[2]).toLowerCase();
          if (words.has(joined)) splits.push(`${outcome.file}: "${match[0]}"`);
        }
      }
    }
    expect([...new Set(splits)]).toEqual([]);
  });

  it('chunks every parsed document within the token limit, War and Peace in seconds', () => {
    const timings: Record<string, number> = {};
    for (const outcome of outcomes.values()) {
      if (!outcome.parsed) continue;
      const started = performance.now();
      const chunks = chunkSections(outcome.parsed.sections);
      timings[outcome.file] = performance.now() - started;
      expect(chunks.length, outcome.file).toBeGreaterThan(0);
      for (const chunk of chunks) expect(chunk.tokenCount, outcome.file).toBeLessThanOrEqual(500);
    }
    const warAndPeace = 'unstructured-book-war-and-peace-1225p.txt';
    console.log(`chunked War and Peace (3.2 MB) in ${Math.round(timings[warAndPeace])} ms`);
    expect(timings[warAndPeace]).toBeLessThan(10_000);
  });
});
