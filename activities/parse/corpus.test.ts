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
 * What each file in bad/ must do. pdf.js recovers several damaged PDFs that other tools reject
 * (as poppler does, per the manifest): reading their text is the better outcome, so those are
 * expected to parse, and only to do so promptly.
 */
const BAD_FILE_EXPECTATIONS: Record<string, { refusedWith?: string; failsWith?: string; recovers?: RegExp }> = {
  'CVE-2024-4367-poc.pdf': { recovers: /AbCdEf/ },
  'DERIVED-tracemonkey-truncated-400000B.pdf': { failsWith: 'pdf_corrupt' },
  'mammoth-empty-zip-named.docx': { refusedWith: 'no word/document.xml' },
  'pdfjs-helloworld-bad.pdf': { recovers: /Hello, world!/ },
  'pdfjs-issue5549-scanned-no-text.pdf': { failsWith: 'no_text_found' },
  'pdfjs-issue6010_1-encrypted-userpw-abc.pdf': { failsWith: 'pdf_encrypted' },
  'pdfjs-xref_command_missing.pdf': { recovers: /Reduced test-case/ },
  'pdfminer-issue-1113-evil-xobjects.pdf': { recovers: /Hello world/ },
  'pdfminer-zen_of_python_corrupted.pdf': { recovers: /Beautiful is better than ugly/ },
  'poi-poc-xmlbomb-xlsx-named.docx': { refusedWith: 'Excel workbook' },
  'samplefiles-libreoffice-writer-password.pdf': { failsWith: 'pdf_encrypted' },
  'unstructured-all-whitespace.txt': { failsWith: 'empty_document' },
  'unstructured-empty.txt': { failsWith: 'empty_document' },
  'unstructured-example-10k-1p-html-named.pdf': { refusedWith: 'HTML web page, not a PDF' },
  'unstructured-invalid-pdf-structure-one-page.pdf': { recovers: /Cybersecurity/ },
  'unstructured-ole-doc-named.docx': { refusedWith: 'Legacy Word .doc files are not supported' },
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
    const failures = good.filter((outcome) => !outcome.parsed).map((outcome) => `${outcome.file}: ${outcome.failed?.code}`);
    // The only good-folder file without text: a .docx holding nothing but images.
    expect(failures).toEqual(['pythondocx-having-images.docx: empty_document']);
  });

  it('refuses or fails each bad file as expected, every one within the time limit', () => {
    const files = corpusFiles('bad').map((filePath) => path.basename(filePath));
    expect(files.sort()).toEqual(Object.keys(BAD_FILE_EXPECTATIONS).sort());
    for (const file of files) {
      const outcome = outcomes.get(key('bad', file));
      const expected = BAD_FILE_EXPECTATIONS[file];
      expect(outcome?.unexpected, file).toBeUndefined();
      expect(outcome?.ms, file).toBeLessThan(DEFAULT_EXTRACTION_LIMITS.timeoutMs);
      if (expected.refusedWith) {
        expect(outcome?.refused?.status, file).toBe(415);
        expect(outcome?.refused?.message, file).toContain(expected.refusedWith);
        expect(outcome?.refused?.message, file).toMatch(/\.$/);
      } else if (expected.failsWith) {
        expect(outcome?.failed?.code, file).toBe(expected.failsWith);
        expectReadableMessage(outcome?.failed?.message ?? '');
      } else {
        expect(textOf(outcome?.parsed ?? { sections: [] }), file).toMatch(expected.recovers ?? /./);
      }
    }
  });

  it('writes docx tables as "Header: value" lines', () => {
    const parsed = outcomes.get(key('docx', 'mammoth-tables.docx'))?.parsed;
    expect(textOf(parsed ?? { sections: [] })).toContain('Top left: Bottom left\nTop right: Bottom right');
  });

  it('keeps the page number of each of the 400 pages', () => {
    const parsed = outcomes.get(key('pdf', 'unstructured-400p.pdf'))?.parsed;
    expect(parsed?.pageCount).toBe(400);
    const pages = parsed?.sections.map((section) => section.page) ?? [];
    expect(pages.length).toBeGreaterThan(390);
    expect(pages.every((page, index) => page !== undefined && page >= 1 && page <= 400 && (index === 0 || page > (pages[index - 1] ?? 0)))).toBe(true);
    // The last page or two are blank, so they have no section.
    expect(pages[pages.length - 1]).toBeGreaterThanOrEqual(395);

    // A chunk cites the page its text came from.
    const chunks = chunkSections(parsed?.sections ?? []);
    for (const section of parsed?.sections.filter((_, index) => index % 50 === 25) ?? []) {
      const opening = section.text.slice(0, 60);
      const chunk = chunks.find((candidate) => candidate.text.includes(opening));
      expect(chunk, `page ${section.page}`).toBeDefined();
      expect(chunk?.page).toBeLessThanOrEqual(section.page ?? 0);
      expect(chunk?.pageEnd).toBeGreaterThanOrEqual(section.page ?? 0);
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
