export const FILE_TYPES = ['pdf', 'docx', 'txt', 'csv', 'html'] as const;
export type FileType = (typeof FILE_TYPES)[number];
/** What an upload may be: web pages (`html`) come only from website sources, never as uploads. */
export type UploadFileType = Exclude<FileType, 'html'>;

/**
 * A piece of parsed text with where it came from, so chunks can cite it.
 * Parsers emit sections in reading order; the chunker never merges text across a heading change.
 */
export interface ParsedSection {
  text: string;
  /** 1-based PDF page. */
  page?: number;
  /** 1-based data-row range for CSV (header row excluded). */
  rowStart?: number;
  rowEnd?: number;
  /** Nearest heading above this text (DOCX, TXT with markdown-ish headings). */
  heading?: string;
}

export interface ParsedDocument {
  sections: ParsedSection[];
  /** Pages for PDFs, otherwise undefined. */
  pageCount?: number;
  /** Encoding detected for text formats, for the record. */
  encoding?: string;
}

export interface TextChunk {
  index: number;
  text: string;
  tokenCount: number;
  page?: number;
  pageEnd?: number;
  rowStart?: number;
  rowEnd?: number;
  heading?: string;
}
