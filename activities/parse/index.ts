import type { FileType, ParsedDocument } from '../../core/ingestion/types';
import { parseCsv } from './csv';
import { parseDocx } from './docx';
import { parseHtml } from './html';
import { parsePdf } from './pdf';
import { DEFAULT_EXTRACTION_LIMITS, type ExtractionLimits } from './run-extraction';
import { parseTxt } from './txt';

export { DEFAULT_EXTRACTION_LIMITS, type ExtractionLimits } from './run-extraction';

/**
 * Reads a document into sections with their page, row range or heading. A file the tenant admin
 * can fix (encrypted, damaged, scanned, empty, hostile) fails with a DocumentParseError whose
 * message is written for them. PDF and DOCX are read in a worker thread bounded by `limits`.
 */
export async function parseDocument({
  bytes,
  fileType,
  limits = DEFAULT_EXTRACTION_LIMITS,
}: {
  bytes: Uint8Array;
  fileType: FileType;
  limits?: Partial<ExtractionLimits>;
}): Promise<ParsedDocument> {
  const effectiveLimits: ExtractionLimits = { ...DEFAULT_EXTRACTION_LIMITS, ...limits };
  switch (fileType) {
    case 'pdf':
      return parsePdf(bytes, effectiveLimits);
    case 'docx':
      return parseDocx(bytes, effectiveLimits);
    case 'csv':
      return parseCsv(bytes);
    case 'txt':
      return parseTxt(bytes);
    case 'html':
      return parseHtml(bytes);
  }
}
