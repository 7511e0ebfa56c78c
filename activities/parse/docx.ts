import { DocumentParseError } from '../../core/errors';
import { listZipEntries, type ZipEntry } from '../../core/ingestion/detect-type';
import type { ParsedDocument, ParsedSection } from '../../core/ingestion/types';
import { htmlToSections } from './docx-html';
import { cleanSections } from './normalize-text';
import {
  DEFAULT_EXTRACTION_LIMITS,
  type ExtractionLimits,
  isResourceExhaustion,
  runExtraction,
  tooComplexError,
} from './run-extraction';

/**
 * XML parts larger than this (as the archive declares them) are a zip bomb, not a document:
 * a Word file of a thousand pages carries a few MB of XML.
 */
const MAX_DECLARED_XML_BYTES = 256 * 1024 * 1024;

export async function parseDocx(
  bytes: Uint8Array,
  limits: ExtractionLimits = DEFAULT_EXTRACTION_LIMITS,
): Promise<ParsedDocument> {
  requirePlausibleArchive(bytes);

  const outcome = await runExtraction({ kind: 'docx', bytes }, limits);
  if (!outcome.ok) {
    if (isResourceExhaustion(outcome.error)) throw tooComplexError(outcome.error.message);
    throw corruptError(outcome.error.message);
  }
  if (outcome.extracted.kind !== 'docx') throw new Error('extraction worker answered a DOCX request with another kind');

  let sections: ParsedSection[];
  try {
    sections = cleanSections(htmlToSections(outcome.extracted.html));
  } catch (error) {
    // Absurdly deep nesting overflows the stack of the tree walk.
    if (error instanceof RangeError) throw tooComplexError(error);
    throw error;
  }
  if (sections.length === 0) {
    throw new DocumentParseError({
      code: 'empty_document',
      message:
        'This Word document has no text we can read: it is empty or holds only images. If it is a scan, run OCR on it first; otherwise add the text and upload it again.',
    });
  }
  return { sections };
}

function requirePlausibleArchive(bytes: Uint8Array): void {
  let entries: ZipEntry[];
  try {
    entries = listZipEntries(bytes);
  } catch (error) {
    throw corruptError(error);
  }
  if (!entries.some((entry) => entry.name === 'word/document.xml')) throw corruptError('no word/document.xml');
  const declaredXml = entries
    .filter((entry) => /\.(xml|rels)$/i.test(entry.name))
    .reduce((total, entry) => total + entry.declaredSize, 0);
  if (declaredXml > MAX_DECLARED_XML_BYTES) throw tooComplexError(`declares ${declaredXml} bytes of XML`);
}

function corruptError(cause: unknown): DocumentParseError {
  return new DocumentParseError({
    code: 'docx_corrupt',
    message:
      'This Word document is damaged and cannot be read. Open it in Word, save it again as .docx and upload it again.',
    cause,
  });
}
