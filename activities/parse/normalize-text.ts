import type { ParsedSection } from '../../core/ingestion/types';

/**
 * One whitespace shape for every parser, so the chunker can rely on it: spaces and tabs collapse,
 * lines are trimmed, at most one blank line separates paragraphs (a blank line = a paragraph
 * break). Invisible characters that only confuse tokenizers and search are dropped.
 */
export function normalizeWhitespace(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0008\u000e-\u001f\u007f\u00ad\u200b\u2060\ufeff]/g, '')
    .replace(/[\t\v\f\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+/g, ' ')
    .split('\n')
    .map(normalizeLine)
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function normalizeLine(line: string): string {
  // Indentation carries meaning only for nested list items ("  - child"): keep it there.
  const listIndent = /^( +)[-*] /.exec(line)?.[1] ?? '';
  return listIndent + line.trim().replace(/ {2,}/g, ' ');
}

/** Normalises each section's text and drops those left empty. */
export function cleanSections(sections: ParsedSection[]): ParsedSection[] {
  const cleaned: ParsedSection[] = [];
  for (const section of sections) {
    const text = normalizeWhitespace(section.text);
    if (text) cleaned.push({ ...section, text });
  }
  return cleaned;
}
