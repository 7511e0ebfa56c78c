import { createRequire } from 'node:module';
import path from 'node:path';
import { DocumentParseError } from '../../core/errors';
import type { ParsedDocument } from '../../core/ingestion/types';
import { cleanSections } from './normalize-text';
import {
  DEFAULT_EXTRACTION_LIMITS,
  type ExtractionFailure,
  type ExtractionLimits,
  isResourceExhaustion,
  type PdfLoadOptions,
  runExtraction,
  tooComplexError,
} from './run-extraction';

const PDFJS_DIR = path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));

/** pdf.js `VerbosityLevel.ERRORS`: warnings about odd-but-readable files are noise here. */
const PDFJS_ERRORS_ONLY = 0;

/**
 * How pdf.js opens uploads. `isEvalSupported: false` closes CVE-2024-4367 (font matrices turned
 * into JavaScript) whatever pdf.js version is installed. The CMaps let pdf.js map CJK and other
 * CID fonts to Unicode; without them such text extracts as nothing.
 */
export function pdfLoadOptions(): PdfLoadOptions {
  return {
    isEvalSupported: false,
    cMapUrl: `${path.join(PDFJS_DIR, 'cmaps')}${path.sep}`,
    cMapPacked: true,
    standardFontDataUrl: `${path.join(PDFJS_DIR, 'standard_fonts')}${path.sep}`,
    useSystemFonts: false,
    enableXfa: false,
    // Recover what can be read from damaged files rather than failing on the first bad object.
    stopAtErrors: false,
    verbosity: PDFJS_ERRORS_ONLY,
  };
}

export async function parsePdf(bytes: Uint8Array, limits: ExtractionLimits = DEFAULT_EXTRACTION_LIMITS): Promise<ParsedDocument> {
  const outcome = await runExtraction({ kind: 'pdf', bytes, pdfOptions: pdfLoadOptions() }, limits);
  if (!outcome.ok) throw pdfError(outcome.error);
  if (outcome.extracted.kind !== 'pdf') throw new Error('extraction worker answered a PDF request with another kind');

  const { pages, pageCount } = outcome.extracted;
  const sections = cleanSections(pages.map(({ page, text }) => ({ text, page })));
  if (sections.length === 0) {
    throw new DocumentParseError({
      code: 'no_text_found',
      message:
        'No text found: the PDF seems to be a scan or contains only images. Run OCR on it first (for example "Recognize text" in Adobe Acrobat, or ocrmypdf) and upload the result.',
    });
  }
  return { sections, pageCount };
}

function pdfError(failure: ExtractionFailure): DocumentParseError {
  if (isResourceExhaustion(failure)) return tooComplexError(failure.message);
  if (failure.name === 'PasswordException') {
    return new DocumentParseError({
      code: 'pdf_encrypted',
      message: 'This PDF is password-protected. Remove the password and upload it again.',
      cause: failure.message,
    });
  }
  return new DocumentParseError({
    code: 'pdf_corrupt',
    message:
      'This PDF is damaged and cannot be read. Open it in a PDF viewer and save or print it to a new PDF, then upload that.',
    cause: failure.message,
  });
}
