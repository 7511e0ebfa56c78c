import { unzipSync } from 'fflate';
import { AppError } from '../errors';
import { decodeText, looksBinary } from './text-decoding';
import type { UploadFileType as FileType } from './types';

const SUPPORTED_FORMATS = 'Supported formats are PDF, Word (.docx), plain text (.txt, .md) and CSV.';

const TYPE_BY_EXTENSION: Readonly<Record<string, FileType>> = {
  pdf: 'pdf',
  docx: 'docx',
  txt: 'txt',
  text: 'txt',
  md: 'txt',
  markdown: 'txt',
  log: 'txt',
  csv: 'csv',
  tsv: 'csv',
};

const TYPE_NAME: Readonly<Record<FileType, string>> = {
  pdf: 'a PDF',
  docx: 'a Word (.docx) document',
  txt: 'a plain text file',
  csv: 'a CSV file',
};

const LEGACY_DOC_MESSAGE =
  'Legacy Word .doc files are not supported: save it as .docx (in Word: File > Save As > Word Document) and upload it again.';

/** Conversions that make an unsupported file uploadable, by its extension. */
const EXTENSION_ADVICE: Readonly<Record<string, string>> = {
  rtf: 'Save it as .docx or PDF from your word processor and upload that.',
  odt: 'Save it as Word (.docx) or PDF and upload that.',
  xls: 'Save the sheet as CSV (File > Save As > CSV) and upload that.',
  xlsx: 'Save the sheet as CSV (File > Save As > CSV) and upload that.',
  ods: 'Save the sheet as CSV and upload that.',
  ppt: 'Export it as PDF and upload that.',
  pptx: 'Export it as PDF (File > Export > PDF) and upload that.',
  html: 'Open it in a browser and print or save it as PDF, or copy its text into a .txt file, then upload that.',
  htm: 'Open it in a browser and print or save it as PDF, or copy its text into a .txt file, then upload that.',
};

/** What the bytes turned out to be. `type` is set only for content we can parse. */
interface Sniffed {
  type?: 'pdf' | 'docx' | 'text';
  /** "an HTML web page", "an Excel workbook (.xlsx)", … for messages. */
  label: string;
  /** A next step the person can take, e.g. how to convert it. */
  advice?: string;
}

export interface ZipEntry {
  name: string;
  /** Uncompressed size as declared by the archive (a hostile archive may lie). */
  declaredSize: number;
}

/**
 * Decides how to parse an upload from its bytes, cross-checked with the filename's extension:
 * a mismatch (an HTML page named .pdf, an old .doc renamed .docx) is refused with a message
 * saying what the file really is and what to do. Empty text files pass: the parser explains.
 */
export function detectFileType({ bytes, filename }: { bytes: Uint8Array; filename: string }): FileType {
  const extension = extensionOf(filename);
  const sniffed = sniffContent(bytes);

  if (extension) {
    const expected = TYPE_BY_EXTENSION[extension];
    if (!expected) {
      if (extension === 'doc') throw refuse(LEGACY_DOC_MESSAGE, extension, sniffed);
      const advice = EXTENSION_ADVICE[extension] ?? SUPPORTED_FORMATS;
      throw refuse(`Files ending in .${extension} are not supported. ${advice}`, extension, sniffed);
    }
    if (sniffed.type === expected) return expected;
    if ((expected === 'txt' || expected === 'csv') && sniffed.type === 'text') return expected;
    throw refuse(mismatchMessage(extension, expected, sniffed), extension, sniffed);
  }

  if (sniffed.type === 'text') return looksLikeCsv(bytes) ? 'csv' : 'txt';
  if (sniffed.type) return sniffed.type;
  throw refuse(
    `This file is ${sniffed.label}, which is not supported. ${sniffed.advice ?? SUPPORTED_FORMATS}`,
    '',
    sniffed,
  );
}

function mismatchMessage(extension: string, expected: FileType, sniffed: Sniffed): string {
  if (expected === 'docx' && sniffed.label === LEGACY_OFFICE_LABEL) return LEGACY_DOC_MESSAGE;
  if (sniffed.label === EMPTY_LABEL) {
    return `This file is empty (0 bytes), so it is not ${TYPE_NAME[expected]}. Upload the file again, or check that it was saved correctly.`;
  }
  const advice =
    sniffed.advice ??
    (sniffed.type && sniffed.type !== 'text'
      ? `Rename it to end in .${sniffed.type} and upload it again.`
      : SUPPORTED_FORMATS);
  return `This file is ${sniffed.label}, not ${TYPE_NAME[expected]}, even though its name ends in .${extension}. ${advice}`;
}

function refuse(message: string, extension: string, sniffed: Sniffed): AppError {
  return new AppError({
    code: 'unsupported_file_type',
    status: 415,
    message,
    details: { extension: extension || null, detected: sniffed.label },
  });
}

export function extensionOf(filename: string): string {
  // Browsers may send "C:\fakepath\report.pdf"; only the last segment names the file.
  const base = filename.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  // A leading dot (".env") is part of the name, not an extension.
  if (dot <= 0 || dot === base.length - 1) return '';
  return base.slice(dot + 1).toLowerCase();
}

const EMPTY_LABEL = 'empty';
const LEGACY_OFFICE_LABEL = 'a legacy Microsoft Office file (.doc, .xls or .ppt)';

function sniffContent(bytes: Uint8Array): Sniffed {
  if (bytes.length === 0) return { type: 'text', label: EMPTY_LABEL };
  if (findAscii(bytes, '%PDF-', 1024) >= 0) return { type: 'pdf', label: 'a PDF' };
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06]))
    return sniffZip(bytes);

  // Magic numbers are trusted only for binary content: a text may well start with "MZ" or "GIF8".
  if (looksBinary(bytes)) {
    return (
      sniffMagicNumber(bytes) ?? {
        label: 'binary data, not text',
        advice: `It may be damaged or in a format we do not read. ${SUPPORTED_FORMATS}`,
      }
    );
  }
  const head = latin1(bytes, 4096).trimStart().toLowerCase();
  if (head.startsWith('{\\rtf')) {
    return { label: 'an RTF document', advice: 'Save it as .docx or PDF from your word processor and upload that.' };
  }
  const markup = sniffMarkup(latin1(bytes, MARKUP_SAMPLE_BYTES));
  if (markup) return markup;
  return {
    type: 'text',
    label: 'plain text',
    advice: 'If it is meant to be read as text, rename it to end in .txt and upload it again.',
  };
}

/** How much of a text file the markup sniffing reads. */
const MARKUP_SAMPLE_BYTES = 64 * 1024;
const HTML_ADVICE = `Open it in a browser and print or save it as PDF, or copy its text into a .txt file, then upload that. ${SUPPORTED_FORMATS}`;
/** Elements of HTML documents and fragments (not of Markdown, which allows a few inline). */
const HTML_TAG =
  /<\/?(?:html|head|body|div|span|p|a|script|style|table|tbody|thead|tr|td|th|ul|ol|li|meta|link|h[1-6]|br|hr|img|form|input|button|section|article|nav|header|footer|main|iframe|noscript|em|strong|b|i|label|select|option|textarea|title)\b[^<>]*>/gi;

/**
 * Markup that is not plain text, even when named .txt or .csv: it would be indexed tags and all,
 * and an HTML page may carry scripts. Recognised by content, from how the file begins (after a
 * BOM, whitespace, an XML declaration and comments), so a text that quotes markup (a list of XSS
 * payloads, a tutorial) stays text:
 * - HTML: it begins with a doctype or an <html> tag; or it begins with a tag and holds an
 *   <html>, <head>, <body>, <script> or <style> element, or at least 10 HTML tags making up at
 *   least 15% of the first 64 KB (a fragment). Markdown opening with a centred logo stays text.
 * - SVG: an <svg> root (an image that may carry scripts, like HTML).
 * Other XML (an RSS feed saved as .txt, as in the shared corpus) stays text: parseTxt reads its
 * text content without the tags (xml-text.ts).
 */
function sniffMarkup(sample: string): Sniffed | undefined {
  // The sample is read as Latin-1: a UTF-8 byte order mark shows as three characters.
  const head = sample
    .replace(/^(?:\ufeff|\u00ef\u00bb\u00bf)/, '')
    .trimStart()
    .toLowerCase();
  const prolog = /^(?:<\?xml[^>]*>\s*)?(?:<!--[\s\S]*?-->\s*)*/.exec(head)?.[0] ?? '';
  const afterProlog = head.slice(prolog.length);
  if (!afterProlog.startsWith('<')) return undefined;
  const html = { label: 'an HTML web page', advice: HTML_ADVICE };
  if (/^(?:<!doctype html|<html[\s>])/.test(afterProlog)) return html;
  if (/^(?:<!doctype svg[^>]*>\s*)?<svg[\s>]/.test(afterProlog)) {
    return {
      label: 'an SVG image',
      advice: `Images are not read: upload a PDF or Word file that contains the text. ${SUPPORTED_FORMATS}`,
    };
  }
  // Other XML (RSS's <title> and <link> are not HTML's) is text.
  if (prolog.includes('<?xml') || /^<[a-z_][\w.:-]*\s[^>]*xmlns(?::\w+)?=/.test(afterProlog)) return undefined;
  if (/<(?:html|head|body)[\s>]|<script[\s>][\s\S]*?<\/script>|<style[\s>][\s\S]*?<\/style>/.test(head)) return html;
  const tags = head.match(HTML_TAG) ?? [];
  const tagChars = tags.reduce((total, tag) => total + tag.length, 0);
  if (tags.length >= 10 && tagChars >= 0.15 * head.length) return html;
  return undefined;
}

function sniffZip(bytes: Uint8Array): Sniffed {
  let entries: ZipEntry[];
  try {
    entries = listZipEntries(bytes);
  } catch {
    return {
      label: 'a damaged ZIP archive',
      advice: 'If it is a Word document, open it in Word and save it again as .docx, then upload it.',
    };
  }
  const names = new Set(entries.map((entry) => entry.name));
  if (names.has('word/document.xml')) return { type: 'docx', label: 'a Word (.docx) document' };
  if (entries.length === 0) {
    return {
      label: 'an empty ZIP archive',
      advice: 'This ZIP is not a Word document (no word/document.xml). Upload the .docx file itself.',
    };
  }
  if (names.has('xl/workbook.xml')) {
    return {
      label: 'an Excel workbook (.xlsx)',
      advice: 'Save the sheet as CSV (File > Save As > CSV) and upload that.',
    };
  }
  if (names.has('ppt/presentation.xml')) {
    return {
      label: 'a PowerPoint presentation (.pptx)',
      advice: 'Export it as PDF (File > Export > PDF) and upload that.',
    };
  }
  const mimetype = zipMimetype(bytes);
  if (mimetype?.startsWith('application/vnd.oasis.opendocument.text')) {
    return { label: 'an OpenDocument text file (.odt)', advice: 'Save it as Word (.docx) or PDF and upload that.' };
  }
  if (mimetype === 'application/epub+zip')
    return { label: 'an EPUB e-book', advice: 'Convert it to PDF and upload that.' };
  return {
    label: 'a ZIP archive',
    advice:
      'This ZIP is not a Word document (no word/document.xml). Unzip it and upload the documents inside one by one.',
  };
}

/** Names and declared sizes in a ZIP's central directory, without inflating anything. */
export function listZipEntries(bytes: Uint8Array): ZipEntry[] {
  // fflate finds the end-of-central-directory record by scanning backwards, so bytes that are
  // not a ZIP at all (an OLE .doc) can yield nameless garbage entries: require the ZIP magic.
  if (!startsWith(bytes, [0x50, 0x4b])) throw new Error('not a ZIP archive');
  const entries: ZipEntry[] = [];
  unzipSync(bytes, {
    filter(file) {
      entries.push({ name: file.name, declaredSize: file.originalSize });
      return false;
    },
  });
  if (entries.some((entry) => entry.name.length === 0)) throw new Error('ZIP central directory is damaged');
  return entries;
}

/** ODF packages store their media type uncompressed as the first entry, named "mimetype". */
function zipMimetype(bytes: Uint8Array): string | undefined {
  const header = latin1(bytes, 200);
  const match = /^PK\x03\x04[\s\S]{26}mimetype([\x20-\x7e]+)/.exec(header);
  return match?.[1].replace(/PK[\s\S]*$/, '');
}

const MAGIC_NUMBERS: ReadonlyArray<{ bytes: readonly number[]; offset?: number; label: string; advice?: string }> = [
  {
    bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1],
    label: LEGACY_OFFICE_LABEL,
    advice: 'Save it in the current format (.docx) or as PDF and upload that.',
  },
  {
    bytes: [0x89, 0x50, 0x4e, 0x47],
    label: 'a PNG image',
    advice: 'Images are not read: upload a PDF or Word file that contains the text.',
  },
  {
    bytes: [0xff, 0xd8, 0xff],
    label: 'a JPEG image',
    advice: 'Images are not read: upload a PDF or Word file that contains the text.',
  },
  {
    bytes: [0x47, 0x49, 0x46, 0x38],
    label: 'a GIF image',
    advice: 'Images are not read: upload a PDF or Word file that contains the text.',
  },
  {
    bytes: [0x49, 0x49, 0x2a, 0x00],
    label: 'a TIFF image',
    advice: 'Images are not read: run OCR on the scan and upload the resulting PDF.',
  },
  {
    bytes: [0x4d, 0x4d, 0x00, 0x2a],
    label: 'a TIFF image',
    advice: 'Images are not read: run OCR on the scan and upload the resulting PDF.',
  },
  {
    bytes: [0x57, 0x45, 0x42, 0x50],
    offset: 8,
    label: 'a WebP image',
    advice: 'Images are not read: upload a PDF or Word file that contains the text.',
  },
  { bytes: [0x1f, 0x8b], label: 'a gzip-compressed file', advice: 'Decompress it and upload the document inside.' },
  {
    bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c],
    label: 'a 7-Zip archive',
    advice: 'Extract it and upload the documents inside one by one.',
  },
  {
    bytes: [0x52, 0x61, 0x72, 0x21],
    label: 'a RAR archive',
    advice: 'Extract it and upload the documents inside one by one.',
  },
  { bytes: [0x7f, 0x45, 0x4c, 0x46], label: 'a program (ELF executable)' },
  { bytes: [0x4d, 0x5a], label: 'a Windows program (.exe)' },
  { bytes: [0x66, 0x74, 0x79, 0x70], offset: 4, label: 'a video or audio file' },
];

function sniffMagicNumber(bytes: Uint8Array): Sniffed | undefined {
  for (const magic of MAGIC_NUMBERS) {
    if (startsWith(bytes, magic.bytes, magic.offset ?? 0)) {
      return { label: magic.label, advice: magic.advice ?? SUPPORTED_FORMATS };
    }
  }
  return undefined;
}

function startsWith(bytes: Uint8Array, prefix: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + prefix.length) return false;
  return prefix.every((value, index) => bytes[offset + index] === value);
}

function findAscii(bytes: Uint8Array, needle: string, within: number): number {
  return latin1(bytes, within + needle.length).indexOf(needle);
}

function latin1(bytes: Uint8Array, limit: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, limit)).toString('latin1');
}

export const CSV_DELIMITERS = [',', '\t', ';', '|'] as const;
export type CsvDelimiter = (typeof CSV_DELIMITERS)[number];

export interface DelimiterGuess {
  delimiter: CsvDelimiter;
  /** Share of sampled records whose delimiter count equals the most common count (0–1). */
  consistency: number;
  /** Most common number of fields per record. */
  fieldsPerRecord: number;
  recordsSampled: number;
}

const DELIMITER_SAMPLE_RECORDS = 50;

/**
 * Picks the delimiter whose count per record (outside quotes) is the most consistent over the
 * first records, like Python's csv.Sniffer; ties go to the more common delimiter (comma first).
 */
export function detectCsvDelimiter(text: string): DelimiterGuess {
  const sample = text.slice(0, 64 * 1024);
  let best: DelimiterGuess = { delimiter: ',', consistency: 0, fieldsPerRecord: 1, recordsSampled: 0 };
  for (const delimiter of CSV_DELIMITERS) {
    const counts = delimiterCountsPerRecord(sample, delimiter);
    const frequency = new Map<number, number>();
    for (const count of counts) frequency.set(count, (frequency.get(count) ?? 0) + 1);
    let mode = 0;
    let modeFrequency = 0;
    for (const [count, times] of frequency) {
      if (times > modeFrequency || (times === modeFrequency && count > mode)) {
        mode = count;
        modeFrequency = times;
      }
    }
    const consistency = mode === 0 || counts.length === 0 ? 0 : modeFrequency / counts.length;
    if (consistency > best.consistency) {
      best = { delimiter, consistency, fieldsPerRecord: mode + 1, recordsSampled: counts.length };
    }
  }
  return best;
}

function delimiterCountsPerRecord(sample: string, delimiter: string): number[] {
  const counts: number[] = [];
  let inQuotes = false;
  let count = 0;
  let recordHasText = false;
  for (let index = 0; index < sample.length && counts.length < DELIMITER_SAMPLE_RECORDS; index++) {
    const char = sample[index];
    if (char === '"') inQuotes = !inQuotes;
    else if (!inQuotes && char === delimiter) count++;
    else if (!inQuotes && char === '\n') {
      if (recordHasText) counts.push(count);
      count = 0;
      recordHasText = false;
      continue;
    }
    if (char !== ' ' && char !== '\r') recordHasText = true;
  }
  if (recordHasText && counts.length < DELIMITER_SAMPLE_RECORDS) counts.push(count);
  return counts;
}

/** Without an extension to go by, text is CSV only when nearly every record splits alike. */
function looksLikeCsv(bytes: Uint8Array): boolean {
  const { text } = decodeText(bytes.subarray(0, 64 * 1024));
  const guess = detectCsvDelimiter(text);
  return guess.recordsSampled >= 2 && guess.consistency >= 0.9;
}
