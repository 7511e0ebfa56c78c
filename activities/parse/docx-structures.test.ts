import { describe, expect, it } from 'vitest';
import { parseDocx } from './docx';
import { htmlToSections } from './docx-html';
import { docxXml, makeDocx } from './test-fixtures';

const textOf = (sections: Array<{ text: string }>) => sections.map((section) => section.text).join('\n');
const M = 'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math"';
const run = (text: string) => `<m:r><m:t>${text}</m:t></m:r>`;

describe('Word tables', () => {
  it('does not take a first row of data as headers', () => {
    const html =
      '<table><tr><td>North</td><td>Oakville</td><td>8am-6pm</td></tr><tr><td>South</td><td>Harbor Point</td><td>7am-3pm</td></tr></table>' +
      '<table><tr><td>1 January</td><td>New Year</td></tr><tr><td>25 December</td><td>Christmas</td></tr></table>';
    const text = textOf(htmlToSections(html));
    expect(text).toContain('North | Oakville | 8am-6pm\n\nSouth | Harbor Point | 7am-3pm');
    expect(text).toContain('1 January | New Year\n\n25 December | Christmas');
  });

  it('takes a marked header row (Word "repeat as header" or bold) and repeats merged cells down their rows', () => {
    const html =
      '<table><thead><tr><th>Q1</th><th>Q2</th></tr></thead><tr><td>10</td><td>12</td></tr></table>' +
      '<table><tr><td><strong>Team</strong></td><td><strong>Lead</strong></td><td><strong>Floor</strong></td></tr>' +
      '<tr><td rowspan="2">Sales</td><td>Ana</td><td colspan="1">2</td></tr><tr><td>Bo</td><td>3</td></tr></table>';
    const text = textOf(htmlToSections(html));
    expect(text).toContain('Q1: 10; Q2: 12');
    expect(text).toContain('Team: Sales; Lead: Ana; Floor: 2');
    expect(text).toContain('Team: Sales; Lead: Bo; Floor: 3');
  });

  it('reads a table of bold labels beside values as label: value rows', () => {
    const html =
      '<table><tr><td><strong>Name</strong></td><td>Dana Whitfield</td></tr><tr><td><strong>Plan:</strong></td><td>Gold annual</td></tr></table>';
    expect(textOf(htmlToSections(html))).toBe('Name: Dana Whitfield\n\nPlan: Gold annual');
  });
});

describe('Word equations and check boxes', () => {
  it('writes Office Math as linear text: fractions, scripts, radicals, n-ary operators', async () => {
    const fraction = `<m:f><m:num>${run('a+b')}</m:num><m:den>${run('2')}</m:den></m:f>`;
    const square = `<m:sSup><m:e>${run('x')}</m:e><m:sup>${run('2')}</m:sup></m:sSup>`;
    const sum = `<m:nary><m:naryPr><m:chr m:val="∑"/></m:naryPr><m:sub>${run('i=1')}</m:sub><m:sup>${run('n')}</m:sup><m:e>${run('i')}</m:e></m:nary>`;
    const root = `<m:rad><m:radPr><m:degHide m:val="1"/></m:radPr><m:deg/><m:e>${run('y')}</m:e></m:rad>`;
    const body =
      `<w:p><w:r><w:t xml:space="preserve">Mean: </w:t></w:r><m:oMath ${M}>${run('m=')}${fraction}</m:oMath></w:p>` +
      `<w:p><m:oMathPara ${M}><m:oMath>${run('A=')}${square}${run('+')}${sum}${run('+')}${root}</m:oMath></m:oMathPara></w:p>`;
    const parsed = await parseDocx(await makeDocx({ body }));
    const text = textOf(parsed.sections);
    expect(text).toContain('Mean: m=(a+b)/2');
    expect(text).toContain('A=x^2+∑_(i=1)^n i+√y');
  });

  it('writes check box content controls as ☑ / ☐ before their labels', async () => {
    const box = (checked: boolean) =>
      `<w:sdt><w:sdtPr><w14:checkbox xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml"><w14:checked w14:val="${checked ? 1 : 0}"/></w14:checkbox></w:sdtPr><w:sdtContent><w:r><w:t>${checked ? '☒' : '☐'}</w:t></w:r></w:sdtContent></w:sdt>`;
    const body =
      `<w:p>${box(true)}<w:r><w:t xml:space="preserve"> Parking included</w:t></w:r></w:p>` +
      `<w:p><w:r><w:t xml:space="preserve">Pets allowed: </w:t></w:r>${box(false)}</w:p>` +
      docxXml.paragraph('End.');
    const text = textOf((await parseDocx(await makeDocx({ body }))).sections);
    expect(text).toMatch(/[☑☒] Parking included/);
    expect(text).toContain('☐ Pets allowed');
  });
});
