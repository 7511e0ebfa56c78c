import { describe, expect, it } from 'vitest';
import { EN } from './i18n/en';
import { pageUrl, sourceLabel } from './panel';

const base = { documentId: 'd', chunkIndex: 0, score: 1, snippet: 's' };

describe('web page sources', () => {
  it('are named by their title and link to their http(s) URL only', () => {
    const page = {
      ...base,
      filename: 'https://shop.example/pricing',
      title: 'Pricing',
      url: 'https://shop.example/pricing',
    };
    expect(sourceLabel(page, EN)).toBe('Pricing');
    expect(pageUrl(page)).toBe('https://shop.example/pricing');
    expect(pageUrl({ ...page, url: 'javascript:alert(1)' })).toBeNull();
    expect(sourceLabel({ ...base, filename: 'faq.pdf', page: 2, title: null, url: null }, EN)).toBe('faq.pdf, page 2');
    expect(pageUrl({ ...base, filename: 'faq.pdf' })).toBeNull();
  });
});
