import { Parser } from 'htmlparser2';

/** An XML declaration, or a first element that declares a namespace: an XML file, not prose. */
const XML_START = /^\ufeff?\s*(?:<\?xml[\s>]|<[A-Za-z_][\w.:-]*\s[^>]*xmlns(?::\w+)?=)/;

export function looksLikeXml(text: string): boolean {
  return XML_START.test(text.slice(0, 4096));
}

/**
 * The text content of an XML file (an RSS feed saved as .txt): each element's text on its own
 * line, CDATA included, tags, comments and processing instructions dropped, entities decoded.
 */
export function xmlText(xml: string): string {
  const lines: string[] = [];
  let current = '';
  const parser = new Parser(
    {
      ontext(text) {
        current += text;
      },
      oncdatastart() {
        current += ' ';
      },
      onopentag() {
        if (current.trim()) lines.push(current.trim());
        current = '';
      },
      onclosetag() {
        if (current.trim()) lines.push(current.trim());
        current = '';
      },
    },
    { xmlMode: true, decodeEntities: true, recognizeCDATA: true },
  );
  parser.write(xml);
  parser.end();
  if (current.trim()) lines.push(current.trim());
  return lines.join('\n\n');
}
