import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chunkSections } from '../../core/ingestion/chunker';
import { detectFileType } from '../../core/ingestion/detect-type';
import { caseFile, casesAvailable } from '../../tests/corpus';
import { parseDocument } from './index';

/** What a document's chunks say, as the retriever and the answerer will see them. */
async function chunkTexts(caseFolder: string, name: string): Promise<string[]> {
  const filePath = caseFile(caseFolder, name);
  const bytes = readFileSync(filePath);
  const fileType = detectFileType({ bytes, filename: path.basename(filePath) });
  const parsed = await parseDocument({ bytes, fileType });
  return chunkSections(parsed.sections).map((chunk) => chunk.text);
}

const oneChunkWith = (chunks: string[], text: string) => chunks.find((chunk) => chunk.includes(text));

describe.skipIf(!casesAvailable)('shared cases: text that reads like the document', () => {
  it.each(['k4-care-hyphenated.pdf', 'control-k4-care-no-hyphens.pdf', 'control-hard-wrapped.txt'])(
    '../shared/cases/02-pdf-hyphenation %s: whole sentences, line-end hyphens undone, compounds kept',
    async (name) => {
      const chunks = await chunkTexts('02-pdf-hyphenation', name);
      const all = chunks.join('\n');
      expect(
        oneChunkWith(
          chunks,
          'The Model K4 blender comes with a limited warranty of three years that protects the motor and the jar.',
        ),
      ).toBeDefined();
      expect(all).toMatch(
        /Replacement blades can be ordered online from our shop, and the authorised service centre in Brookdale repairs units that are out of guarantee for a flat fee/,
      );
      expect(all).not.toMatch(/\p{L}-\s+\p{Ll}/u);
      if (name !== 'control-hard-wrapped.txt') {
        expect(all).toContain('a flat fee of forty-five euros.');
        expect(all).toContain('rinse it with warm water and a drop of detergent instead.');
      }
      // The title stays its own paragraph, not glued to the first sentence.
      expect(all).toMatch(/^Product care: Model K4 blender\n/);
    },
  );

  it('../shared/cases/03-pdf-acroform-values: the values typed into a PDF form sit beside their labels', async () => {
    const all = (await chunkTexts('03-pdf-acroform-values', 'membership-form-filled.pdf')).join('\n');
    expect(all).toContain('Member name: Dana Whitfield');
    expect(all).toContain('Membership number: MBR-58213');
    expect(all).toContain('Plan: Gold annual');
    expect(all).toContain('Emergency contact phone: 555-0147');
  });
});

describe.skipIf(!casesAvailable)('shared cases: tables, forms and equations in Word files', () => {
  it('../shared/cases/06-docx-equations: equations become linear text in their sentences', async () => {
    const all = (await chunkTexts('06-docx-equations', 'billing-equations.docx')).join('\n');
    expect(all).toContain('The late fee is computed as F=0.05×B+12, where B is the overdue balance in dollars.');
    expect(all).toMatch(/D=P\/12\+r/);
  });

  it('../shared/cases/07-docx-content-controls: a checked check box content control reads as checked, beside its label', async () => {
    const all = (await chunkTexts('07-docx-content-controls', 'service-agreement-sdt.docx')).join('\n');
    expect(all).toContain('\u2611 On-site visits included');
    expect(all).toContain('The agreement starts on 1 April 2025');
    expect(all).toContain('Role: Account manager; Name: Ines Carvalho');
  });

  it.each(['store-directory-vmerge.docx', 'control-store-directory-no-merge.docx'])(
    '../shared/cases/08-docx-merged-cells %s: rows under vertically merged cells keep their own columns',
    async (name) => {
      const all = (await chunkTexts('08-docx-merged-cells', name)).join('\n');
      expect(all).toContain('Region: North; Store: Elmwood; Manager: Tomas Berg; Opening hours: 9am-9pm');
      expect(all).toContain('Region: North; Store: Pinecrest; Manager: Aiko Tanaka; Opening hours: 10am-4pm');
      expect(all).toContain('Region: South; Store: Saltmarsh; Manager: Femi Adeyemi; Opening hours: 9am-5pm');
    },
  );
});
