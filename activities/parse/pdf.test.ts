import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DocumentParseError } from '../../core/errors';
import { parsePdf, pdfLoadOptions, refusalFor } from './pdf';
import { DEFAULT_EXTRACTION_LIMITS } from './run-extraction';
import {
  type CircularStructure,
  makeCircularPdf,
  makePdf,
  withCrlfLineEndings,
  withoutCrossReference,
} from './test-fixtures';

async function parseError(promise: Promise<unknown>): Promise<DocumentParseError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(DocumentParseError);
  return error as DocumentParseError;
}

describe('parsePdf', () => {
  it('keeps the text of each page with its 1-based page number', async () => {
    const parsed = await parsePdf(
      makePdf([['Hello (world)', 'Second   line'], ['Page two text'], null, ['Last page']]),
    );

    expect(parsed.pageCount).toBe(4);
    expect(parsed.sections).toEqual([
      { text: 'Hello (world) Second line', page: 1 },
      { text: 'Page two text', page: 2 },
      { text: 'Last page', page: 4 },
    ]);
  });

  it('says a PDF without any text needs OCR', async () => {
    const error = await parseError(parsePdf(makePdf([null, null])));
    expect(error.code).toBe('no_text_found');
    expect(error.message).toMatch(/scan.*OCR/);
  });

  it('asks for the password to be removed from an encrypted PDF', async () => {
    const error = await parseError(parsePdf(makePdf([['secret']], { encrypt: true })));
    expect(error.code).toBe('pdf_encrypted');
    expect(error.message).toBe('This PDF is password-protected. Remove the password and upload it again.');
  });

  it('calls a truncated or non-PDF file damaged', async () => {
    const whole = makePdf([['Some text that will be cut off']]);
    const truncated = await parseError(parsePdf(whole.subarray(0, 20)));
    expect(truncated.code).toBe('pdf_corrupt');
    expect(truncated.message).toMatch(/damaged/);
  });

  it('refuses a PDF whose cross-reference offsets no longer match its bytes, though pdf.js could rebuild it', async () => {
    const whole = makePdf([['Text after a line-ending rewrite']]);
    await expect(parsePdf(whole)).resolves.toMatchObject({ sections: [{ text: 'Text after a line-ending rewrite' }] });

    const error = await parseError(parsePdf(withCrlfLineEndings(whole)));
    expect(error.code).toBe('pdf_damaged');
    expect(error.message).toBe(
      'This PDF is damaged: its internal structure is broken, so its text cannot be read reliably. Open it in a PDF viewer and save or print it to a new PDF, then upload it again.',
    );
    expect(error.cause).toBe('Indexing all PDF objects');
  });

  it('reads a complete PDF written without any cross-reference table, as hand-made files are', async () => {
    const parsed = await parsePdf(withoutCrossReference(makePdf([['Hand-written page'], ['Second page']])));
    expect(parsed).toEqual({
      sections: [
        { text: 'Hand-written page', page: 1 },
        { text: 'Second page', page: 2 },
      ],
      pageCount: 2,
    });
  });

  it('refuses a PDF without a cross-reference table that is also cut short', async () => {
    const withoutIndex = withoutCrossReference(makePdf([['Cut short']]));
    const cutShort = withoutIndex.subarray(0, withoutIndex.lastIndexOf('%%EOF'));
    const error = await parseError(parsePdf(cutShort));
    expect(error.code).toBe('pdf_damaged');
  });

  it.each<CircularStructure>([
    'form-draws-itself',
    'forms-draw-each-other',
    'length-is-itself',
    'page-tree-contains-itself',
  ])('refuses a PDF with a self-referencing structure (%s) as unsafe', async (structure) => {
    const error = await parseError(parsePdf(makeCircularPdf(structure)));
    expect(error.code).toBe('pdf_unsafe');
    expect(error.message).toBe(
      'This PDF contains malformed or unsafe content (parts of it refer to themselves in an endless loop) and was not indexed. Re-create it from the original document and upload it again.',
    );
    expect(String(error.cause)).toMatch(/circular reference/);
  });

  it('lets harmless pdf.js warnings through and judges a rebuilt index by the bytes', () => {
    const complete = withoutCrossReference(makePdf([['x']]));
    expect(
      refusalFor(
        ['TT: undefined function: 32', 'Invalid "Length1" property in Type1 font -- trying to recover.'],
        makePdf([['x']]),
      ),
    ).toBeUndefined();
    expect(refusalFor(['Indexing all PDF objects'], complete)).toBeUndefined();
    expect(refusalFor(['Indexing all PDF objects'], makePdf([['x']]))?.code).toBe('pdf_damaged');
    expect(refusalFor(['Indexing all PDF objects'], complete.subarray(0, complete.length - 7))?.code).toBe(
      'pdf_damaged',
    );
    expect(refusalFor(['Indexing all PDF objects', 'Ignoring circular reference: 4R.'], makePdf([['x']]))?.code).toBe(
      'pdf_unsafe',
    );
  });

  it('stops a parse that outlives its time budget', async () => {
    const error = await parseError(parsePdf(makePdf([['slow']]), { ...DEFAULT_EXTRACTION_LIMITS, timeoutMs: 1 }));
    expect(error.code).toBe('parse_timeout');
    expect(error.message).toMatch(/took longer than 1 ms/);
  });

  it('turns a worker that runs out of memory into document_too_complex', async () => {
    const error = await parseError(
      parsePdf(makePdf([['big']]), { ...DEFAULT_EXTRACTION_LIMITS, timeoutMs: 30_000, maxMemoryMb: 2 }),
    );
    expect(error.code).toBe('document_too_complex');
  });

  it('runs its worker in a process started by tsx, whose loader flags the worker must not inherit', () => {
    const script = [
      "import { parsePdf } from './activities/parse/pdf.ts';",
      "import { makePdf } from './activities/parse/test-fixtures.ts';",
      "const parsed = await parsePdf(makePdf([['Hello from tsx']]));",
      'process.stdout.write(JSON.stringify(parsed));',
    ].join('\n');
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', script], {
      cwd: path.resolve(import.meta.dirname, '..', '..'),
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(child.stderr).toBe('');
    expect(JSON.parse(child.stdout)).toEqual({ sections: [{ text: 'Hello from tsx', page: 1 }], pageCount: 1 });
  });

  it('never lets pdf.js evaluate strings as code (CVE-2024-4367)', () => {
    expect(pdfLoadOptions().isEvalSupported).toBe(false);
  });
});
