import { describe, expect, it } from 'vitest';
import { normaliseDomainEntry, originAllowed } from './origins';

describe('originAllowed', () => {
  it('matches a hostname entry on any scheme and port', () => {
    expect(originAllowed('https://shop.example.com', ['shop.example.com'])).toBe(true);
    expect(originAllowed('http://shop.example.com:8080', ['shop.example.com'])).toBe(true);
    expect(originAllowed('https://other.example.com', ['shop.example.com'])).toBe(false);
  });

  it('matches wildcard subdomains but not the apex nor look-alike suffixes', () => {
    const rules = ['*.example.com'];
    expect(originAllowed('https://a.example.com', rules)).toBe(true);
    expect(originAllowed('https://a.b.example.com', rules)).toBe(true);
    expect(originAllowed('https://example.com', rules)).toBe(false);
    expect(originAllowed('https://evil-example.com', rules)).toBe(false);
    expect(originAllowed('https://example.com.evil.net', rules)).toBe(false);
  });

  it('matches a full origin exactly', () => {
    const rules = ['https://shop.example.com:8443'];
    expect(originAllowed('https://shop.example.com:8443', rules)).toBe(true);
    expect(originAllowed('https://shop.example.com', rules)).toBe(false);
    expect(originAllowed('http://shop.example.com:8443', rules)).toBe(false);
  });

  it('accepts no browser origin when there are no entries, and refuses odd origins', () => {
    expect(originAllowed('https://shop.example.com', [])).toBe(false);
    expect(originAllowed('null', ['shop.example.com'])).toBe(false);
    expect(originAllowed('file:///etc/passwd', ['shop.example.com'])).toBe(false);
  });

  it('never lets a suffix trick through a hostname entry', () => {
    expect(originAllowed('https://evil-shop.example.com', ['shop.example.com'])).toBe(false);
    expect(originAllowed('https://shop.example.com.evil.net', ['shop.example.com'])).toBe(false);
  });
});

describe('normaliseDomainEntry', () => {
  it('normalises case, trailing slashes and default ports', () => {
    expect(normaliseDomainEntry('Shop.Example.com')).toEqual({ value: 'shop.example.com' });
    expect(normaliseDomainEntry('https://Shop.example.com:443/')).toEqual({ value: 'https://shop.example.com' });
    expect(normaliseDomainEntry('*.Example.com')).toEqual({ value: '*.example.com' });
    expect(normaliseDomainEntry('localhost')).toEqual({ value: 'localhost' });
  });

  it('refuses paths, bad hosts and bare wildcards with a readable message', () => {
    for (const bad of [
      'https://x.com/path',
      'exa mple.com',
      '*.com',
      '*',
      'javascript:alert(1)',
      'a..b.com',
      '-bad.com',
    ]) {
      const result = normaliseDomainEntry(bad);
      expect(result, bad).toHaveProperty('error');
    }
  });
});

describe('public suffixes', () => {
  it('refuses a public suffix or a wildcard over one, in every entry form', () => {
    for (const entry of [
      'com',
      'co.uk',
      'github.io',
      '*.co.uk',
      '*.github.io',
      '*.com',
      'https://co.uk',
      'http://github.io:8080',
      '*.blogspot.com',
      'UK',
    ]) {
      const result = normaliseDomainEntry(entry);
      expect('error' in result ? result.error : result, entry).toMatch(/public suffix/);
    }
  });

  it('keeps registrable domains, localhost and IP addresses', () => {
    for (const entry of [
      'example.co.uk',
      '*.example.co.uk',
      'me.github.io',
      '*.me.github.io',
      'localhost',
      '127.0.0.1',
      'http://localhost:3000',
      '[::1]',
    ]) {
      expect(normaliseDomainEntry(entry), entry).not.toHaveProperty('error');
    }
  });

  it('stops honouring a stored public-suffix entry', () => {
    expect(originAllowed('https://evil.github.io', ['*.github.io'])).toBe(false);
  });
});
