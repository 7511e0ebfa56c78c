/**
 * `allowedDomains` entries: a hostname (any scheme and port), a wildcard `*.example.com` (any
 * subdomain, never `example.com` itself nor `evil-example.com`), or a full origin
 * `https://shop.example.com:8443` (exact). A client with no entries accepts no browser origin.
 */
export type DomainRule =
  { kind: 'host'; host: string } | { kind: 'wildcard'; suffix: string } | { kind: 'origin'; origin: string };

import { parse as parseDomain } from 'tldts';

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

function isHostname(host: string): boolean {
  if (host.length > 253) return false;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return host.split('.').every((part) => Number(part) <= 255);
  if (host.startsWith('[') && host.endsWith(']')) return true;
  return host.split('.').every((label) => LABEL.test(label));
}

/**
 * Whether `host` is a public suffix (`com`, `co.uk`, `github.io`): a name under which anyone can
 * register a site, so allowing it (or every subdomain of it) would let any such site use the key.
 * Judged by the Public Suffix List (tldts, ICANN and private sections: `github.io`, `blogspot.com`
 * count). `localhost` and IP addresses are not suffixes; an unlisted single label is (`intranet`
 * falls under the list's default `*` rule).
 */
export function isPublicSuffix(host: string): boolean {
  if (host === 'localhost') return false;
  const parsed = parseDomain(host, { allowPrivateDomains: true });
  return !parsed.isIp && parsed.domain === null;
}

const publicSuffixError = (entry: string) =>
  `"${entry}" is a public suffix: anyone can run a site under it. Name your own domain (shop.example.com or *.example.com).`;

/** Returns the normalised entry, or an error message a person can act on. */
export function normaliseDomainEntry(entry: string): { value: string } | { error: string } {
  const raw = entry.trim().toLowerCase().replace(/\/+$/, '');
  if (!raw) return { error: 'Domain entries cannot be empty.' };
  if (raw.includes('://')) {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return { error: `"${entry}" is not a valid origin.` };
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return { error: `"${entry}" must use http or https.` };
    if (url.pathname !== '/' || url.search || url.hash || url.username) {
      return { error: `"${entry}" should be an origin only (scheme, host and port), without a path.` };
    }
    if (isPublicSuffix(url.hostname)) return { error: publicSuffixError(entry) };
    return { value: url.origin };
  }
  if (raw.startsWith('*.')) {
    const suffix = raw.slice(2);
    if (isHostname(suffix) && isPublicSuffix(suffix)) return { error: publicSuffixError(entry) };
    if (!isHostname(suffix) || !suffix.includes('.'))
      return { error: `"${entry}" is not a valid wildcard domain (use *.example.com).` };
    return { value: `*.${suffix}` };
  }
  let host: string;
  try {
    host = new URL(`http://${raw}`).hostname;
  } catch {
    return { error: `"${entry}" is not a valid hostname.` };
  }
  if (host !== raw || !isHostname(host)) {
    return {
      error: `"${entry}" is not a valid hostname. Use e.g. shop.example.com, *.example.com or https://shop.example.com:8443.`,
    };
  }
  if (isPublicSuffix(host)) return { error: publicSuffixError(entry) };
  return { value: host };
}

export function parseRule(entry: string): DomainRule | null {
  const normalised = normaliseDomainEntry(entry);
  if ('error' in normalised) return null;
  const value = normalised.value;
  if (value.includes('://')) return { kind: 'origin', origin: value };
  if (value.startsWith('*.')) return { kind: 'wildcard', suffix: value.slice(1) };
  return { kind: 'host', host: value };
}

export function originAllowed(origin: string, allowedDomains: string[]): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const host = url.hostname.toLowerCase();
  return allowedDomains.some((entry) => {
    const rule = parseRule(entry);
    if (!rule) return false;
    switch (rule.kind) {
      case 'origin':
        return url.origin === rule.origin;
      case 'host':
        return host === rule.host;
      case 'wildcard':
        return host.endsWith(rule.suffix) && host.length > rule.suffix.length;
    }
  });
}
