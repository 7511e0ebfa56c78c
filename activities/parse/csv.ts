import { parse } from 'csv-parse/sync';
import { DocumentParseError } from '../../core/errors';
import { detectCsvDelimiter } from '../../core/ingestion/detect-type';
import { decodeText } from '../../core/ingestion/text-decoding';
import type { ParsedDocument, ParsedSection } from '../../core/ingestion/types';
import { cleanSections } from './normalize-text';

/** Below this, the "delimiter" is just a character some lines happen to contain. */
const MIN_DELIMITER_CONSISTENCY = 0.75;
/** Title lines above the header ("Sales 2024,,,") are kept as the sections' heading. */
const MAX_TITLE_ROWS = 3;

/** Rows are grouped so one section stays well under a chunk, yet a chunk is more than one row. */
const ROWS_PER_SECTION = 20;
const CHARS_PER_SECTION = 1500;

/**
 * CSV/TSV in any encoding decodeText reads, with the delimiter sniffed (comma, semicolon, tab or
 * pipe). The first record is the header; each data row becomes "column: value" lines, so a
 * chunk makes sense on its own. Cells are only text: formulas ("=cmd|…") are never evaluated.
 */
export function parseCsv(bytes: Uint8Array): ParsedDocument {
  const { text, encoding } = decodeText(bytes);
  const records = parseRecords(text).map((record) => record.map(cleanCell));
  const titles = takeTitleRows(records);
  const heading = titles.length > 0 ? titles.join(' – ') : undefined;
  const [header, ...dataRows] = records;
  if (!header || header.every((cell) => !cell)) throw emptyError();

  const columnNames = (width: number) =>
    Array.from({ length: width }, (_, column) => header[column] || `Column ${column + 1}`);

  const sections: ParsedSection[] = [];
  let rows: string[] = [];
  let rowStart = 0;
  let rowEnd = 0;
  let chars = 0;
  const flush = () => {
    if (rows.length > 0) sections.push({ text: rows.join('\n\n'), rowStart, rowEnd, ...(heading ? { heading } : {}) });
    rows = [];
    chars = 0;
  };

  dataRows.forEach((cells, index) => {
    const rowNumber = index + 1;
    const names = columnNames(Math.max(header.length, cells.length));
    const lines = cells.flatMap((cell, column) => (cell ? [`${names[column]}: ${cell}`] : []));
    if (lines.length === 0) return;
    if (rows.length === 0) rowStart = rowNumber;
    rowEnd = rowNumber;
    // One line per row keeps a record together for the chunker and the answerer: a question about
    // one column gets the whole row back ("name: Sara; phone: 555-0103").
    const row = lines.join('; ');
    rows.push(row);
    chars += row.length;
    if (rows.length >= ROWS_PER_SECTION || chars >= CHARS_PER_SECTION) flush();
  });
  flush();

  const cleaned = cleanSections(sections);
  if (cleaned.length === 0) {
    if (dataRows.length === 0) {
      throw new DocumentParseError({
        code: 'empty_document',
        message: 'This CSV file has a header row but no data rows. Add the rows and upload it again.',
      });
    }
    throw emptyError();
  }
  return { sections: cleaned, encoding };
}

/** Removes and returns leading rows with a single filled cell that sit above a wider row. */
function takeTitleRows(records: string[][]): string[] {
  const filled = (record: string[]) => record.filter(Boolean);
  const titles: string[] = [];
  while (
    records.length > 1 &&
    titles.length < MAX_TITLE_ROWS &&
    filled(records[0]).length === 1 &&
    filled(records[1]).length > 1
  ) {
    titles.push(filled(records[0])[0]);
    records.shift();
  }
  return titles;
}

function parseRecords(text: string): string[][] {
  const guess = detectCsvDelimiter(text);
  const delimiter = guess.consistency >= MIN_DELIMITER_CONSISTENCY ? guess.delimiter : ',';
  const options = { delimiter, bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true };
  try {
    return parse(text, options) as string[][];
  } catch (firstError) {
    // A stray unbalanced quote makes the strict reading fail; quotes as plain characters
    // still recovers every row of such files.
    try {
      return parse(text, { ...options, quote: false }) as string[][];
    } catch {
      const reason = firstError instanceof Error ? firstError.message : String(firstError);
      throw new DocumentParseError({
        code: 'csv_invalid',
        message: `This CSV file cannot be read: ${reason}. Open it in a spreadsheet, save it again as CSV and upload it again.`,
        cause: firstError,
      });
    }
  }
}

function cleanCell(cell: string): string {
  return cell.replace(/\s+/g, ' ').trim();
}

function emptyError(): DocumentParseError {
  return new DocumentParseError({
    code: 'empty_document',
    message: 'This CSV file is empty: it has no rows to index. Add some rows and upload it again.',
  });
}
