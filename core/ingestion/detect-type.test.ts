import iconv from 'iconv-lite';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import { detectCsvDelimiter, detectFileType, extensionOf } from './detect-type';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
const OLE_DOC = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]);
const PNG = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
]);

async function zipOf(files: Record<string, string>): Promise<Buffer> {
  const zip = new JSZip();
  for (const [name, content] of Object.entries(files)) zip.file(name, content);
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

function refusal(bytes: Uint8Array, filename: string): AppError {
  try {
    detectFileType({ bytes, filename });
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('unsupported_file_type');
    expect((error as AppError).status).toBe(415);
    return error as AppError;
  }
  throw new Error(`expected ${filename} to be refused`);
}

describe('detectFileType', () => {
  it('accepts each supported type when content and extension agree', async () => {
    const docx = await zipOf({ '[Content_Types].xml': '<Types/>', 'word/document.xml': '<w:document/>' });
    expect(detectFileType({ bytes: PDF, filename: 'Report.PDF' })).toBe('pdf');
    expect(detectFileType({ bytes: docx, filename: 'letter.docx' })).toBe('docx');
    expect(detectFileType({ bytes: Buffer.from('# Notes\nhello'), filename: 'notes.md' })).toBe('txt');
    expect(detectFileType({ bytes: Buffer.from('hello'), filename: 'server.log' })).toBe('txt');
    expect(detectFileType({ bytes: Buffer.from('a,b\n1,2\n'), filename: 'data.csv' })).toBe('csv');
    expect(detectFileType({ bytes: Buffer.from('a\tb\n1\t2\n'), filename: 'data.tsv' })).toBe('csv');
    expect(detectFileType({ bytes: Buffer.from('Grüße', 'utf16le'), filename: 'utf16.txt' })).toBe('txt');
    expect(detectFileType({ bytes: iconv.encode('Привет, мир', 'windows-1251'), filename: 'ru.txt' })).toBe('txt');
  });

  it('finds the PDF header anywhere in the first kilobyte', () => {
    const prefixed = Buffer.concat([Buffer.alloc(300, 0x20), PDF]);
    expect(detectFileType({ bytes: prefixed, filename: 'scan.pdf' })).toBe('pdf');
    const late = Buffer.concat([Buffer.alloc(2000, 0x41), PDF]);
    expect(refusal(late, 'late.pdf').message).toMatch(/not a PDF/);
  });

  it('judges files without an extension by content alone', async () => {
    expect(detectFileType({ bytes: PDF, filename: 'upload' })).toBe('pdf');
    expect(detectFileType({ bytes: await zipOf({ 'word/document.xml': '<w/>' }), filename: 'blob' })).toBe('docx');
    expect(detectFileType({ bytes: Buffer.from('id;name\n1;Ann\n2;Bob\n3;Cy\n'), filename: 'export' })).toBe('csv');
    expect(
      detectFileType({ bytes: Buffer.from('Dear team, thanks.\nSee you, Ann, soon, maybe.\n'), filename: 'README' }),
    ).toBe('txt');
  });

  it('lets empty and whitespace-only text files through for the parser to explain', () => {
    expect(detectFileType({ bytes: Buffer.alloc(0), filename: 'empty.txt' })).toBe('txt');
    expect(detectFileType({ bytes: Buffer.from('\n\n\n'), filename: 'blank.txt' })).toBe('txt');
  });

  it('says an HTML page named .pdf is HTML', () => {
    const html = Buffer.from(
      '<?xml version="1.0"?>\n<!-- exported -->\n<html xmlns="http://www.w3.org/1999/xhtml"><body>10-K</body></html>',
    );
    expect(refusal(html, '10k.pdf').message).toMatch(
      /^This file is an HTML web page, not a PDF.*print or save it as PDF/,
    );
  });

  it('tells how to convert a legacy .doc renamed .docx', () => {
    expect(refusal(OLE_DOC, 'old.docx').message).toMatch(
      /^Legacy Word \.doc files are not supported: save it as \.docx/,
    );
  });

  it('says what a ZIP without word/document.xml is instead', async () => {
    const xlsx = await zipOf({ '[Content_Types].xml': '<Types/>', 'xl/workbook.xml': '<workbook/>' });
    expect(refusal(xlsx, 'sheet.docx').message).toMatch(/Excel workbook.*CSV/);
    const emptyZip = Buffer.from([0x50, 0x4b, 0x05, 0x06, ...Array(18).fill(0)]);
    expect(refusal(emptyZip, 'empty.docx').message).toMatch(/no word\/document\.xml/);
    const other = await zipOf({ 'photos/a.txt': 'x' });
    expect(refusal(other, 'bundle.docx').message).toMatch(/This ZIP is not a Word document \(no word\/document\.xml\)/);
  });

  it('refuses binary content in a text or CSV file, naming it when known', () => {
    expect(refusal(PNG, 'photo.txt').message).toMatch(/PNG image/);
    expect(refusal(PDF, 'paper.txt').message).toMatch(/This file is a PDF.*Rename it to end in \.pdf/);
    expect(refusal(Buffer.from([0x01, 0x02, 0x00, 0x9f, 0x00, 0x42]), 'data.csv').message).toMatch(/binary data/);
  });

  it('refuses unsupported extensions and lists what is accepted', () => {
    const message = refusal(Buffer.from('{"a":1}'), 'data.json').message;
    expect(message).toMatch(/Files ending in \.json are not supported/);
    expect(message).toMatch(/PDF, Word \(\.docx\), plain text \(\.txt, \.md\) and CSV/);
    expect(refusal(OLE_DOC, 'old.doc').message).toMatch(
      /^Legacy Word \.doc files are not supported: save it as \.docx/,
    );
    expect(refusal(Buffer.from('<html></html>'), 'page.html').message).toMatch(
      /^Files ending in \.html are not supported\. Open it in a browser/,
    );
  });

  it('does not mistake text that starts like a magic number for a binary format', () => {
    expect(
      detectFileType({ bytes: Buffer.from('MZ Holdings annual report\nRevenue grew.'), filename: 'report.txt' }),
    ).toBe('txt');
    expect(refusal(Buffer.from('MZ Holdings annual report'), 'report.pdf').message).toMatch(
      /This file is plain text, not a PDF.*rename it to end in \.txt/,
    );
  });

  it('refuses an empty file posing as a PDF', () => {
    expect(refusal(Buffer.alloc(0), 'nothing.pdf').message).toMatch(/empty \(0 bytes\)/);
  });
});

describe('extensionOf', () => {
  it('reads the extension of the last path segment, lower-cased', () => {
    expect(extensionOf('C:\\fakepath\\Report.Final.PDF')).toBe('pdf');
    expect(extensionOf('dir.v2/README')).toBe('');
    expect(extensionOf('.env')).toBe('');
    expect(extensionOf('trailing.')).toBe('');
  });
});

describe('detectCsvDelimiter', () => {
  it('prefers the delimiter with a consistent count per record, ignoring quoted ones', () => {
    expect(detectCsvDelimiter('Lorem, ipsum; dolor; amet\nsed; do, x; y\na; b; c\n').delimiter).toBe(';');
    expect(detectCsvDelimiter('a,b\n"x;y;z",1\n"p;q",2\n').delimiter).toBe(',');
    expect(detectCsvDelimiter('single column\nvalues only\n').consistency).toBe(0);
  });
});

describe('markup named as text', () => {
  const page =
    '<!DOCTYPE html>\n<html><head><title>Shop</title></head><body><p>Returns within 30 days.</p></body></html>';
  const fragment = Array.from({ length: 12 }, (_, index) => `<div class="row"><span>Item ${index}</span></div>`).join(
    '\n',
  );

  it('refuses HTML pages, HTML fragments, scripts and SVG named .txt or .csv, saying what is accepted', () => {
    for (const [bytes, filename, label] of [
      [page, 'notes.txt', 'an HTML web page'],
      [fragment, 'export.txt', 'an HTML web page'],
      ['<p>Hello</p>\n<script>alert(1)</script>\n', 'hello.txt', 'an HTML web page'],
      ['\ufeff  <!-- saved page -->\n<div><p>Prices</p></div><style>p{}</style>', 'prices.csv', 'an HTML web page'],
      ['<svg xmlns="http://www.w3.org/2000/svg"><text>Hi</text></svg>', 'logo.txt', 'an SVG image'],
      [
        '<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><body>x</body></html>',
        'page.csv',
        'an HTML web page',
      ],
      [page, 'noname', 'an HTML web page'],
    ] as const) {
      const error = refusal(Buffer.from(bytes), filename);
      expect(error.message, filename).toContain(`This file is ${label}`);
      expect(error.message, filename).toContain(
        'Supported formats are PDF, Word (.docx), plain text (.txt, .md) and CSV.',
      );
    }
  });

  it('keeps Markdown with a few inline tags, and prose that mentions tags, as text', () => {
    const readme =
      '<p align="center"><img src="logo.png"></p>\n\n# Widget\n\nInstall it with npm. Use <br> for a line break.\n\n' +
      'More prose here. '.repeat(40);
    expect(detectFileType({ bytes: Buffer.from(readme), filename: 'README.md' })).toBe('txt');
    expect(
      detectFileType({
        bytes: Buffer.from('Write <b>bold</b> with the b tag, and a < b for comparisons.'),
        filename: 'tips.txt',
      }),
    ).toBe('txt');
    // A text that quotes markup: a list of XSS payloads, one per line, is a document about them.
    const payloads = [
      '<script>alert(1)</script>',
      '<img src=x onerror=alert(1)>',
      '<body onload=alert(1)>',
      '<svg onload=alert(1)>',
    ];
    const list = Array.from({ length: 40 }, (_, index) => `Entry ${index}: ${payloads[index % payloads.length]}`).join(
      '\n',
    );
    expect(detectFileType({ bytes: Buffer.from(list), filename: 'hostile.txt' })).toBe('txt');
  });
});
