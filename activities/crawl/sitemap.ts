import { gunzipSync } from 'node:zlib';
import { XMLParser } from 'fast-xml-parser';

/** A sitemap (sitemaps.org 0.9): either the pages it lists, or the child sitemaps of a sitemap index. */
export type Sitemap = { kind: 'urlset'; urls: string[] } | { kind: 'index'; sitemaps: string[] } | { kind: 'invalid' };

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  processEntities: true,
  trimValues: true,
  parseTagValue: false,
});

const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** Reads a sitemap or sitemap index with fast-xml-parser; gzip (`.xml.gz`) is unpacked up to `maxBytes`. */
export function parseSitemap(bytes: Buffer, maxBytes: number): Sitemap {
  let xml: string;
  try {
    const raw = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes, { maxOutputLength: maxBytes }) : bytes;
    xml = raw.toString('utf8');
  } catch {
    return { kind: 'invalid' };
  }
  let document: Record<string, any>;
  try {
    document = parser.parse(xml) as Record<string, any>;
  } catch {
    return { kind: 'invalid' };
  }
  const locs = (entries: unknown) =>
    asArray(entries as Array<{ loc?: unknown }>)
      .map((entry) => (typeof entry?.loc === 'string' ? entry.loc.trim() : ''))
      .filter(Boolean);
  if (document.sitemapindex) return { kind: 'index', sitemaps: locs(document.sitemapindex.sitemap) };
  if (document.urlset) return { kind: 'urlset', urls: locs(document.urlset.url) };
  return { kind: 'invalid' };
}
