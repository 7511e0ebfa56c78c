import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DocumentParseError } from '../../core/errors';
import { parsePdf, pdfLoadOptions } from './pdf';
import { DEFAULT_EXTRACTION_LIMITS } from './run-extraction';
import { makePdf } from './test-fixtures';

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
    const parsed = await parsePdf(makePdf([['Hello (world)', 'Second   line'], ['Page two text'], null, ['Last page']]));

    expect(parsed.pageCount).toBe(4);
    expect(parsed.sections).toEqual([
      { text: 'Hello (world)\nSecond line', page: 1 },
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

  it('stops a parse that outlives its time budget', async () => {
    const error = await parseError(parsePdf(makePdf([['slow']]), { ...DEFAULT_EXTRACTION_LIMITS, timeoutMs: 1 }));
    expect(error.code).toBe('parse_timeout');
    expect(error.message).toMatch(/took longer than 1 ms/);
  });

  it('turns a worker that runs out of memory into document_too_complex', async () => {
    const error = await parseError(parsePdf(makePdf([['big']]), { timeoutMs: 30_000, maxMemoryMb: 2 }));
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
