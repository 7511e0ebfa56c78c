import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseSitemap } from './sitemap';

const urlset =
  '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc> https://a.test/x?a=1&amp;b=2 </loc><lastmod>2024-01-01</lastmod></url><url><loc>https://a.test/y</loc></url></urlset>';

describe('parseSitemap', () => {
  it('reads the pages of a urlset, entities decoded and trimmed', () => {
    expect(parseSitemap(Buffer.from(urlset), 1e6)).toEqual({
      kind: 'urlset',
      urls: ['https://a.test/x?a=1&b=2', 'https://a.test/y'],
    });
  });
  it('reads the sitemaps of a sitemap index, one entry or many', () => {
    const index = (locs: string[]) =>
      `<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${locs.map((loc) => `<sitemap><loc>${loc}</loc></sitemap>`).join('')}</sitemapindex>`;
    expect(parseSitemap(Buffer.from(index(['https://a.test/s1.xml'])), 1e6)).toEqual({
      kind: 'index',
      sitemaps: ['https://a.test/s1.xml'],
    });
    expect(parseSitemap(Buffer.from(index(['https://a.test/s1.xml', 'https://a.test/s2.xml'])), 1e6)).toMatchObject({
      sitemaps: ['https://a.test/s1.xml', 'https://a.test/s2.xml'],
    });
  });
  it('unpacks gzip within the size cap, and calls anything else invalid', () => {
    expect(parseSitemap(gzipSync(urlset), 1e6)).toMatchObject({ kind: 'urlset' });
    expect(parseSitemap(gzipSync(urlset.repeat(50)), 100)).toEqual({ kind: 'invalid' });
    expect(parseSitemap(Buffer.from('<!doctype html><html><body>hi</body></html>'), 1e6)).toEqual({ kind: 'invalid' });
  });
});
