import { describe, expect, it } from 'vitest';
import { explainDomainEntry } from './origins-explain';

describe('explainDomainEntry', () => {
  it('a hostname allows any scheme and port, not its subdomains', () => {
    const result = explainDomainEntry('Shop.Example.com');
    expect(result.value).toBe('shop.example.com');
    expect(result.allows).toEqual(['https://shop.example.com', 'http://shop.example.com:3000']);
    expect(result.refuses).toEqual(['https://www.shop.example.com']);
  });

  it('a wildcard allows subdomains at any depth, never the bare domain nor a look-alike', () => {
    const result = explainDomainEntry('*.example.com');
    expect(result.allows).toEqual(['https://shop.example.com', 'http://blog.example.com:8080']);
    expect(result.refuses).toEqual(['https://example.com', 'https://evil-example.com']);
  });

  it('an origin allows exactly its scheme, host and port', () => {
    const result = explainDomainEntry('https://shop.example.com:8443/');
    expect(result.value).toBe('https://shop.example.com:8443');
    expect(result.allows).toEqual(['https://shop.example.com:8443']);
    expect(result.refuses).toEqual(['http://shop.example.com:8443', 'https://shop.example.com:8080']);
  });

  it('localhost and IP addresses allow every port', () => {
    expect(explainDomainEntry('localhost').allows).toEqual(['https://localhost', 'http://localhost:3000']);
    expect(explainDomainEntry('127.0.0.1').allows).toEqual(['https://127.0.0.1', 'http://127.0.0.1:3000']);
  });

  it("explains a refused entry with the validator's message", () => {
    const result = explainDomainEntry('ftp://shop.example.com');
    expect(result.value).toBeNull();
    expect(result.error).toMatch(/http or https/);
  });
});
