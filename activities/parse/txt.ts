import { DocumentParseError } from '../../core/errors';
import { unwrapHardWrappedText } from '../../core/ingestion/hard-wrap';
import { decodeText } from '../../core/ingestion/text-decoding';
import type { ParsedDocument, ParsedSection } from '../../core/ingestion/types';
import { cleanSections } from './normalize-text';
import { looksLikeXml, xmlText } from './xml-text';

const MARKDOWN_HEADING = /^ {0,3}#{1,6}[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$/;
const CODE_FENCE = /^ {0,3}(```|~~~)/;

/**
 * Plain text and Markdown: any encoding decodeText reads; `#` headings (outside code fences)
 * start a new section named after them; paragraphs stay separated by a blank line. A hard-wrapped
 * file (lines broken at a fixed width) gets its paragraphs rejoined and its line-end hyphens undone
 * first (core/ingestion/hard-wrap.ts), so a sentence is never cut at a printed line end. An XML
 * file (detect-type lets it through as text; HTML and SVG are refused there) is read for its text.
 */
export function parseTxt(bytes: Uint8Array): ParsedDocument {
  const { text, encoding } = decodeText(bytes);
  const plain = looksLikeXml(text) ? xmlText(text) : text;
  const sections = cleanSections(splitAtHeadings(unwrapHardWrappedText(plain.replace(/\r\n?/g, '\n'))));
  if (sections.length === 0) {
    throw new DocumentParseError({
      code: 'empty_document',
      message: 'This text file is empty: it has no text to index. Add some text and upload it again.',
    });
  }
  return { sections, encoding };
}

function splitAtHeadings(text: string): ParsedSection[] {
  const sections: ParsedSection[] = [];
  const headingsWithoutBody: string[] = [];
  let heading: string | undefined;
  let lines: string[] = [];
  let inCodeFence = false;

  const flush = () => {
    const body = lines.join('\n');
    if (body.trim()) sections.push(heading ? { text: body, heading } : { text: body });
    else if (heading) headingsWithoutBody.push(heading);
    lines = [];
  };

  for (const line of text.split('\n')) {
    if (CODE_FENCE.test(line)) inCodeFence = !inCodeFence;
    const match = inCodeFence ? null : MARKDOWN_HEADING.exec(line);
    if (match) {
      flush();
      heading = match[1].trim();
    } else {
      lines.push(line);
    }
  }
  flush();

  // A file of nothing but headings still has text worth indexing.
  if (sections.length === 0 && headingsWithoutBody.length > 0) {
    return [{ text: headingsWithoutBody.join('\n\n') }];
  }
  return sections;
}
