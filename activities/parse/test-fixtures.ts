import { createDeflate, deflateSync } from 'node:zlib';
import JSZip from 'jszip';

/** Escapes text for a PDF literal string. */
function pdfString(text: string): string {
  return `(${text.replace(/[\\()]/g, (char) => `\\${char}`)})`;
}

/**
 * A minimal, valid PDF (Helvetica, one text line per entry, correct xref offsets) written byte by
 * byte, so tests need no PDF library. A page given as `null` has a drawing but no text, like a
 * scan. `encrypt` adds a Standard security handler whose user password is not empty.
 */
export function makePdf(pages: Array<string[] | null>, options: { encrypt?: boolean } = {}): Buffer {
  const objects: string[] = [];
  const add = (body: string) => {
    objects.push(body);
    return objects.length;
  };
  const catalog = add('');
  const pagesObject = add('');
  const font = add(HELVETICA);
  const pageIds: number[] = [];
  for (const lines of pages) {
    const content = lines === null ? '0.5 g 72 72 400 600 re f' : textContent(lines);
    const stream = add(pdfStream(content));
    pageIds.push(
      add(
        `<< /Type /Page /Parent ${pagesObject} 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 ${font} 0 R >> >> /Contents ${stream} 0 R >>`,
      ),
    );
  }
  objects[catalog - 1] = `<< /Type /Catalog /Pages ${pagesObject} 0 R >>`;
  objects[pagesObject - 1] =
    `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pageIds.length} >>`;
  const fileId = '<0123456789abcdef0123456789abcdef>';
  let encryptRef = '';
  if (options.encrypt) {
    // O and U values that no empty password matches: pdf.js must ask for a password.
    const hash = `<${'ab'.repeat(32)}>`;
    encryptRef = ` /Encrypt ${add(`<< /Filter /Standard /V 1 /R 2 /Length 40 /P -44 /O ${hash} /U ${hash} >>`)} 0 R`;
  }
  return writePdf(objects, `/Root ${catalog} 0 R /ID [${fileId} ${fileId}]${encryptRef}`);
}

export type CircularStructure =
  'form-draws-itself' | 'forms-draw-each-other' | 'length-is-itself' | 'page-tree-contains-itself';

/**
 * A one-page PDF holding `text` and a structure that refers back to itself, the shape used to make
 * PDF readers recurse without end: a form XObject that draws itself (directly or through a second
 * form), a content stream whose /Length is a reference to itself, or a page tree listing itself.
 */
export function makeCircularPdf(structure: CircularStructure, text = 'Text around a loop'): Buffer {
  const form = (next: number) =>
    pdfStream(
      `${textContent([text])} 0.5 0 0 0.5 20 20 cm /X${next} Do`,
      `/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> /XObject << /X${next} ${next} 0 R >> >>`,
    );
  const usesForms = structure === 'form-draws-itself' || structure === 'forms-draw-each-other';
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    structure === 'page-tree-contains-itself'
      ? '<< /Type /Pages /Kids [4 0 R 2 0 R] /Count 2 >>'
      : '<< /Type /Pages /Kids [4 0 R] /Count 1 >>',
    HELVETICA,
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >>${usesForms ? ' /XObject << /X6 6 0 R >>' : ''} >> /Contents 5 0 R >>`,
    usesForms
      ? pdfStream('/X6 Do')
      : structure === 'length-is-itself'
        ? pdfStream(textContent([text])).replace(/\/Length \d+/, '/Length 5 0 R')
        : pdfStream(textContent([text])),
  ];
  if (structure === 'form-draws-itself') objects.push(form(6));
  if (structure === 'forms-draw-each-other') objects.push(form(7), form(6));
  return writePdf(objects, '/Root 1 0 R');
}

/** The damage a PDF suffers when a transfer rewrites its line endings: every xref offset now points a little too early. */
export function withCrlfLineEndings(pdf: Buffer): Buffer {
  return Buffer.from(pdf.toString('latin1').replace(/\n/g, '\r\n'), 'latin1');
}

/** The same file written without a cross-reference table or startxref, as some hand-made PDFs are; the trailer and %%EOF stay. */
export function withoutCrossReference(pdf: Buffer): Buffer {
  const text = pdf.toString('latin1');
  return Buffer.from(
    text.slice(0, text.lastIndexOf('xref\n0 ')) +
      text.slice(text.lastIndexOf('trailer\n')).replace(/startxref\n\d+\n/, ''),
    'latin1',
  );
}

const HELVETICA = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>';

function textContent(lines: string[]): string {
  return `BT /F1 12 Tf 72 720 Td 14 TL ${lines.map((line) => `${pdfString(line)} '`).join(' ')} ET`;
}

function pdfStream(content: string, dictEntries = ''): string {
  return `<< ${dictEntries}${dictEntries ? ' ' : ''}/Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`;
}

/** Numbers `objects` from 1 and writes them with a correct xref table; `trailerEntries` joins /Size in the trailer. */
/**
 * A decompression bomb: a one-page PDF whose content stream is `inflatedMb` MB of zero bytes,
 * deflated (about a thousandth of that on disk: 1 GB → ~1 MB). Built by streaming, never holding
 * the inflated bytes; `hexWrapped` adds an ASCIIHexDecode layer in front of the Flate one,
 * `doubleFlate` a second Flate layer (a file of a few KB).
 */
export async function makeInflationBombPdf(
  inflatedMb = 1024,
  { hexWrapped = false, doubleFlate = false } = {},
): Promise<Buffer> {
  const deflate = createDeflate({ level: 9, memLevel: 9 });
  const parts: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => parts.push(chunk));
  const done = new Promise((resolve, reject) => deflate.on('end', resolve).on('error', reject));
  const megabyte = Buffer.alloc(1024 * 1024);
  for (let index = 0; index < inflatedMb; index++) {
    if (!deflate.write(megabyte)) await new Promise((resolve) => deflate.once('drain', resolve));
  }
  deflate.end();
  await done;
  // A second Flate layer shrinks the first layer's repetitive output a hundredfold again.
  const compressed = doubleFlate ? deflateSync(Buffer.concat(parts), { level: 9 }) : Buffer.concat(parts);
  const data = hexWrapped ? `${compressed.toString('hex')}>` : compressed.toString('latin1');
  const filter = hexWrapped
    ? '[/ASCIIHexDecode /FlateDecode]'
    : doubleFlate
      ? '[/FlateDecode /FlateDecode]'
      : '/FlateDecode';
  return writePdf(
    [
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>',
      `<< /Length ${Buffer.byteLength(data, 'latin1')} /Filter ${filter} >>\nstream\n${data}\nendstream`,
    ],
    '/Root 1 0 R',
  );
}

export function writePdf(objects: string[], trailerEntries: string): Buffer {
  let pdf = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((body, index) => {
    offsets.push(Buffer.byteLength(pdf, 'latin1'));
    pdf += `${index + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xrefOffset = Buffer.byteLength(pdf, 'latin1');
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) pdf += `${String(offset).padStart(10, '0')} 00000 n \n`;
  pdf += `trailer\n<< /Size ${objects.length + 1} ${trailerEntries} >>\nstartxref\n${xrefOffset}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}

const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (char) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[char] ?? char);
}

/** WordprocessingML body fragments for makeDocx. */
export const docxXml = {
  paragraph: (text: string, style?: string) =>
    `<w:p>${style ? `<w:pPr><w:pStyle w:val="${style}"/></w:pPr>` : ''}<w:r><w:t xml:space="preserve">${escapeXml(text)}</w:t></w:r></w:p>`,
  heading: (text: string, level = 1) => docxXml.paragraph(text, `Heading${level}`),
  bullet: (text: string, level = 0) =>
    `<w:p><w:pPr><w:numPr><w:ilvl w:val="${level}"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>${escapeXml(text)}</w:t></w:r></w:p>`,
  table: (rows: string[][]) =>
    `<w:tbl>${rows
      .map((row) => `<w:tr>${row.map((cell) => `<w:tc>${docxXml.paragraph(cell)}</w:tc>`).join('')}</w:tr>`)
      .join('')}</w:tbl>`,
  withFootnote: (text: string, footnoteId: number) =>
    `<w:p><w:r><w:t>${escapeXml(text)}</w:t></w:r><w:r><w:footnoteReference w:id="${footnoteId}"/></w:r></w:p>`,
  textBox: (text: string) =>
    `<w:p><w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml"><v:textbox><w:txbxContent>${docxXml.paragraph(text)}</w:txbxContent></v:textbox></v:shape></w:pict></w:r></w:p>`,
};

/**
 * A minimal .docx built with jszip: content types, relationships, heading styles, a bullet
 * numbering definition and optional footnotes. `documentXml` replaces the whole main part.
 */
export async function makeDocx({
  body = '',
  footnotes = {},
  documentXml,
}: {
  body?: string;
  footnotes?: Record<number, string>;
  documentXml?: string;
}): Promise<Buffer> {
  const zip = new JSZip();
  zip.file(
    '[Content_Types].xml',
    `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
  );
  zip.file(
    '_rels/.rels',
    `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`,
  );
  zip.file(
    'word/_rels/document.xml.rels',
    `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/></Relationships>`,
  );
  zip.file(
    'word/styles.xml',
    `<?xml version="1.0" encoding="UTF-8"?><w:styles xmlns:w="${W}">${[1, 2, 3]
      .map(
        (level) =>
          `<w:style w:type="paragraph" w:styleId="Heading${level}"><w:name w:val="heading ${level}"/></w:style>`,
      )
      .join('')}</w:styles>`,
  );
  zip.file(
    'word/numbering.xml',
    `<?xml version="1.0" encoding="UTF-8"?><w:numbering xmlns:w="${W}"><w:abstractNum w:abstractNumId="0">${[0, 1]
      .map((level) => `<w:lvl w:ilvl="${level}"><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl>`)
      .join('')}</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>`,
  );
  zip.file(
    'word/footnotes.xml',
    `<?xml version="1.0" encoding="UTF-8"?><w:footnotes xmlns:w="${W}">${Object.entries(footnotes)
      .map(([id, text]) => `<w:footnote w:id="${id}">${docxXml.paragraph(text)}</w:footnote>`)
      .join('')}</w:footnotes>`,
  );
  zip.file(
    'word/document.xml',
    documentXml ??
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="${W}"><w:body>${body}</w:body></w:document>`,
  );
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

/** The "billion laughs" XML entity bomb as a Word main document part. */
export function entityBombDocumentXml(levels = 10): string {
  const entities = [`<!ENTITY lol0 "lollollollollollollollollollol">`];
  for (let level = 1; level < levels; level++) {
    entities.push(`<!ENTITY lol${level} "${`&lol${level - 1};`.repeat(10)}">`);
  }
  return `<?xml version="1.0"?><!DOCTYPE w:document [${entities.join('')}]><w:document xmlns:w="${W}"><w:body><w:p><w:r><w:t>&lol${levels - 1};</w:t></w:r></w:p></w:body></w:document>`;
}
