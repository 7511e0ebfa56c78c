import { describe, expect, it } from 'vitest';
import { sourceLabels } from './sources';

describe('sourceLabels', () => {
  it('names each cited file once per page, whatever else the log holds', () => {
    const labels = sourceLabels([
      { documentId: 'd1', filename: 'guide.pdf', page: 3, snippet: 'a' },
      { documentId: 'd1', filename: 'guide.pdf', page: 3, snippet: 'b' },
      { documentId: 'd1', filename: 'guide.pdf', page: 4 },
      { filename: 'faq.txt' },
      null,
      'junk',
      { page: 2 },
    ]);
    expect(labels.map((label) => [label.filename, label.page])).toEqual([
      ['guide.pdf', 3],
      ['guide.pdf', 4],
      ['faq.txt', null],
      ['Unknown document', 2],
    ]);
  });
});
