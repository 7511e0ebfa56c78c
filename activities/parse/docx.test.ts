import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { DocumentParseError } from '../../core/errors';
import { parseDocx } from './docx';
import { htmlToSections } from './docx-html';
import { docxXml, entityBombDocumentXml, makeDocx } from './test-fixtures';

async function parseError(promise: Promise<unknown>): Promise<DocumentParseError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(DocumentParseError);
  return error as DocumentParseError;
}

describe('parseDocx', () => {
  it('names each stretch of text after the heading above it', async () => {
    const body = [
      docxXml.paragraph('Welcome to Acme.'),
      docxXml.heading('Pricing'),
      docxXml.paragraph('Plans are billed monthly.'),
      docxXml.table([
        ['Plan', 'Price'],
        ['Basic', '10 EUR'],
        ['Pro', '20 EUR'],
      ]),
      docxXml.heading('Features', 2),
      docxXml.bullet('Fast'),
      docxXml.bullet('Nested detail', 1),
      docxXml.bullet('Cheap'),
    ].join('');

    const { sections } = await parseDocx(await makeDocx({ body }));

    expect(sections).toEqual([
      { text: 'Welcome to Acme.' },
      {
        heading: 'Pricing',
        text: 'Plans are billed monthly.\n\nPlan: Basic; Price: 10 EUR\n\nPlan: Pro; Price: 20 EUR',
      },
      { heading: 'Features', text: '- Fast\n  - Nested detail\n- Cheap' },
    ]);
  });

  it('includes footnotes and text boxes', async () => {
    const body = [docxXml.withFootnote('Refunds take five days', 1), docxXml.textBox('Call us on weekdays')].join('');
    const { sections } = await parseDocx(await makeDocx({ body, footnotes: { 1: 'Bank holidays excluded.' } }));

    const text = sections.map((section) => section.text).join('\n');
    expect(text).toContain('Refunds take five days[1]');
    expect(text).toContain('Call us on weekdays');
    expect(sections).toContainEqual({ heading: 'Footnotes', text: '[1] Bank holidays excluded.' });
  });

  it('refuses a document with no text', async () => {
    const error = await parseError(parseDocx(await makeDocx({ body: docxXml.paragraph('   ') })));
    expect(error.code).toBe('empty_document');
    expect(error.message).toMatch(/no text/);
  });

  it('refuses an XML entity bomb quickly instead of expanding it', async () => {
    const started = Date.now();
    const error = await parseError(parseDocx(await makeDocx({ documentXml: entityBombDocumentXml(9) })));
    expect(['docx_corrupt', 'document_too_complex']).toContain(error.code);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('calls a ZIP that is not a Word document, or a damaged one, corrupt', async () => {
    const zip = new JSZip();
    zip.file('hello.txt', 'hi');
    const notWord = await parseError(parseDocx(await zip.generateAsync({ type: 'nodebuffer' })));
    expect(notWord.code).toBe('docx_corrupt');
    expect(notWord.message).toMatch(/save it again as \.docx/);

    const truncated = (await makeDocx({ body: docxXml.paragraph('x'.repeat(5000)) })).subarray(0, 300);
    expect((await parseError(parseDocx(truncated))).code).toBe('docx_corrupt');
  });

  it('refuses an archive that declares gigabytes of XML before inflating it', async () => {
    const docx = Buffer.from(await makeDocx({ body: docxXml.paragraph('small') }));
    // Rewrite word/document.xml's declared uncompressed size in the central directory to 4 GB.
    const name = Buffer.from('word/document.xml');
    for (
      let offset = docx.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
      offset >= 0;
      offset = docx.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), offset + 4)
    ) {
      const nameLength = docx.readUInt16LE(offset + 28);
      if (docx.subarray(offset + 46, offset + 46 + nameLength).equals(name))
        docx.writeUInt32LE(0xfffffff0, offset + 24);
    }
    expect((await parseError(parseDocx(docx))).code).toBe('document_too_complex');
  });
});

describe('htmlToSections', () => {
  it('treats a first row of numbers or sentences as data, not headers', () => {
    const html =
      '<table><tr><td colspan="2"><p>January</p></td></tr><tr><td>1</td><td>New Year’s Day, a public holiday in most countries</td></tr><tr><td>6</td><td>Epiphany</td></tr></table>';
    expect(htmlToSections(html)).toEqual([
      { text: 'January\n\n1 | New Year’s Day, a public holiday in most countries\n\n6 | Epiphany' },
    ]);
  });

  it('keeps full-width rows as their own line and names headerless columns', () => {
    const html =
      '<table><tr><th>Name</th><th></th></tr><tr><td colspan="2">Team A</td></tr><tr><td>Ann</td><td>Lead</td></tr></table>';
    expect(htmlToSections(html)).toEqual([{ text: 'Team A\n\nName: Ann; Column 2: Lead' }]);
  });

  it('drops footnote back-links and images', () => {
    const html =
      '<p>Text<sup><a href="#footnote-1" id="footnote-ref-1">[1]</a></sup><img src=""></p><ol><li id="footnote-1"><p> Note. <a href="#footnote-ref-1">↑</a></p></li></ol>';
    expect(htmlToSections(html)).toEqual([{ text: 'Text[1]' }, { heading: 'Footnotes', text: '[1] Note.' }]);
  });
});
