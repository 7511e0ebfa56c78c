import { createRequire } from 'node:module';
import path from 'node:path';
import { DocumentParseError } from '../../core/errors';
import type { ParsedDocument } from '../../core/ingestion/types';
import { cleanSections } from './normalize-text';
import { layoutPages } from './pdf-layout';
import { measureInflatedStreams } from './pdf-streams';
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

/**
 * pdf.js `VerbosityLevel.WARNINGS`: its warnings are the only place it says it had to rebuild a
 * damaged file or skip a self-referencing structure. The worker collects them instead of printing.
 */
const PDFJS_WARNINGS = 1;

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
    // Let pdf.js work around bad objects and report them as warnings, which refusalFor() judges:
    // with stopAtErrors the first odd but harmless object in a good file would fail it.
    stopAtErrors: false,
    verbosity: PDFJS_WARNINGS,
  };
}

export async function parsePdf(
  bytes: Uint8Array,
  limits: ExtractionLimits = DEFAULT_EXTRACTION_LIMITS,
): Promise<ParsedDocument> {
  const inflated = await measureInflatedStreams(bytes, limits.maxInflatedMb * 1024 * 1024);
  if (inflated.exceeded) throw inflationBombError(limits.maxInflatedMb);
  const outcome = await runExtraction({ kind: 'pdf', bytes, pdfOptions: pdfLoadOptions() }, limits);
  if (!outcome.ok) throw pdfError(outcome.error);
  if (outcome.extracted.kind !== 'pdf') throw new Error('extraction worker answered a PDF request with another kind');

  const { pages, pageCount, warnings } = outcome.extracted;
  const refusal = refusalFor(warnings, bytes);
  if (refusal) throw refusal;

  const sections = cleanSections(layoutPages(pages).map(({ page, text }) => ({ text, page })));
  if (sections.length === 0) {
    throw new DocumentParseError({
      code: 'no_text_found',
      message:
        'No text found: the PDF seems to be a scan or contains only images. Run OCR on it first (for example "Recognize text" in Adobe Acrobat, or ocrmypdf) and upload the result.',
    });
  }
  return { sections, pageCount };
}

/** pdf.js's words for a structure that refers back to itself: a form that draws itself, an object whose own /Length is itself, a page tree that contains itself. */
const CIRCULAR_STRUCTURE = /circular reference/i;

/** pdf.js could not use the file's cross-reference table (or had none) and rebuilt it by scanning every object. */
const CROSS_REFERENCE_REBUILT = /^Indexing all PDF objects/;

/**
 * Decides whether a PDF that pdf.js did read must still be refused, from what pdf.js warned about.
 *
 * - A self-referencing structure never occurs in an honest file (it has no finite meaning) and
 *   is the classic way to make readers recurse forever: unsafe.
 * - A rebuilt cross-reference table means the file's own index of where its objects are does
 *   not match its bytes (line endings rewritten in transfer, bytes lost or spliced) or the file
 *   stops early: objects may be missing or mismatched, so the text is not trustworthy: damaged.
 *   A complete file that simply has no index (no startxref, ends with %%EOF), as small
 *   hand-written PDFs are, contradicts nothing and is read as pdf.js rebuilt it.
 */
export function refusalFor(warnings: readonly string[], bytes: Uint8Array): DocumentParseError | undefined {
  const circular = warnings.find((warning) => CIRCULAR_STRUCTURE.test(warning));
  if (circular) return unsafeError(circular);

  const rebuilt = warnings.find((warning) => CROSS_REFERENCE_REBUILT.test(warning));
  if (rebuilt && (declaresCrossReference(bytes) || !endsWithEofMarker(bytes))) {
    return new DocumentParseError({
      code: 'pdf_damaged',
      message:
        'This PDF is damaged: its internal structure is broken, so its text cannot be read reliably. Open it in a PDF viewer and save or print it to a new PDF, then upload it again.',
      cause: rebuilt,
    });
  }
  return undefined;
}

/** pdf.js looks for the last "startxref" anywhere in the file, so the same test says whether the file claims to have an index. */
function declaresCrossReference(bytes: Uint8Array): boolean {
  return asBuffer(bytes).includes('startxref', 0, 'latin1');
}

/** A complete PDF ends with %%EOF (readers such as Acrobat accept it anywhere in the last 1024 bytes); one without it there was cut short. */
function endsWithEofMarker(bytes: Uint8Array): boolean {
  const buffer = asBuffer(bytes);
  return buffer.includes('%%EOF', Math.max(0, buffer.length - 1024), 'latin1');
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The file's compressed streams expand past the per-document cap: a decompression bomb or an absurd file. */
function inflationBombError(capMb: number): DocumentParseError {
  return new DocumentParseError({
    code: 'pdf_too_complex',
    message: `This PDF is too complex to read: its compressed content expands to more than ${capMb} MB, far beyond what a document's text needs. It may be damaged or built to be hostile. Save or print it to a new PDF (or split it into smaller files) and upload it again.`,
    cause: `inflated streams exceed ${capMb} MB`,
  });
}

function unsafeError(cause: string): DocumentParseError {
  return new DocumentParseError({
    code: 'pdf_unsafe',
    message:
      'This PDF contains malformed or unsafe content (parts of it refer to themselves in an endless loop) and was not indexed. Re-create it from the original document and upload it again.',
    cause,
  });
}

function pdfError(failure: ExtractionFailure): DocumentParseError {
  if (isResourceExhaustion(failure)) return tooComplexError(failure.message);
  if (CIRCULAR_STRUCTURE.test(failure.message)) return unsafeError(failure.message);
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
