import { lookup as dnsLookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import { AppError } from '../errors';

/** One resolved address, as `dns.lookup(host, { all: true })` gives them. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a hostname to every address it has. Injected in tests; `dns.lookup` otherwise. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((entry) => ({
    address: entry.address,
    family: entry.family === 6 ? 6 : 4,
  }));

/**
 * Where a server-side request may go. `allowPrivate` (ALLOW_PRIVATE_URLS) lifts the address check
 * for local use and tests; `resolve` is the DNS resolver (injectable for tests).
 */
export interface NetworkPolicy {
  allowPrivate: boolean;
  resolve: Resolver;
  /** Overrides which addresses count as public (tests that need a "public" server on loopback). */
  isPublicAddress?: (address: string) => boolean;
}

/** Names that always mean "this machine" or a cloud metadata service, whatever DNS says. */
const BLOCKED_HOSTNAMES = [/^localhost$/i, /\.localhost$/i, /^metadata(\.google)?\.internal$/i, /^metadata$/i];

/**
 * True for a globally routable unicast address. Everything else is refused: loopback, private
 * (RFC 1918, IPv6 unique-local), link-local (incl. the 169.254.169.254 metadata service),
 * carrier-grade NAT (incl. 100.100.100.200, Alibaba's metadata), unspecified, broadcast,
 * multicast, documentation, benchmarking and reserved ranges, and IPv6 forms that embed an IPv4
 * address (mapped, NAT64, 6to4, Teredo) unless the embedded address is itself public. Ranges are
 * ipaddr.js's (IANA special-purpose registries, RFC 6890).
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress())
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() === 'unicast';
}

export const blockedAddress = (url: string) =>
  new AppError({
    code: 'private_address',
    status: 400,
    message: `${url} points to a private, loopback, link-local or cloud-metadata address, which is not allowed. Use the site's public address. (Operators trying pages on their own machine can set ALLOW_PRIVATE_URLS=true.)`,
  });

export const invalidUrl = (message: string) => new AppError({ code: 'invalid_url', status: 400, message });

/** Parses an http(s) URL a tenant gave, without credentials; anything else is a 400 with a reason. */
export function parseHttpUrl(value: unknown): URL {
  if (typeof value !== 'string' || !value.trim())
    throw invalidUrl('Give the address of a web page, e.g. https://www.example.com/.');
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw invalidUrl('That is not a web address. Give a full URL, e.g. https://www.example.com/pricing.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw invalidUrl('Only http:// and https:// addresses can be crawled.');
  if (url.username || url.password) throw invalidUrl('Remove the user name and password from the address.');
  if (url.toString().length > 2048) throw invalidUrl('The address is longer than 2048 characters.');
  url.hash = '';
  return url;
}

const hostnameOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, '');

/**
 * Checks the URL's host before any request: a blocked name or address literal is refused, and a
 * name is resolved and refused when any of its addresses is not public. A name that does not
 * resolve passes here (the fetch will report it). Throws `private_address` (400).
 */
export async function assertPublicUrl(url: URL, policy: NetworkPolicy): Promise<void> {
  if (policy.allowPrivate) return;
  const isPublic = policy.isPublicAddress ?? isPublicAddress;
  const host = hostnameOf(url);
  if (BLOCKED_HOSTNAMES.some((pattern) => pattern.test(host))) throw blockedAddress(url.origin);
  if (ipaddr.isValid(host)) {
    if (!isPublic(host)) throw blockedAddress(url.origin);
    return;
  }
  const addresses = await policy.resolve(host).catch(() => [] as ResolvedAddress[]);
  if (addresses.some((entry) => !isPublic(entry.address))) throw blockedAddress(url.origin);
}

/**
 * The resolver a connection uses: resolves, refuses when any address is not public, and hands
 * back only checked addresses, so the socket connects to what was checked (no DNS rebinding
 * between check and connect). Signature of `net.connect`'s `lookup` option.
 */
export function guardedLookup(policy: NetworkPolicy) {
  const isPublic = policy.isPublicAddress ?? isPublicAddress;
  return (
    hostname: string,
    options: { all?: boolean; family?: number | string },
    callback: (error: NodeJS.ErrnoException | null, address: string | ResolvedAddress[], family?: number) => void,
  ): void => {
    const host = hostname.replace(/^\[|\]$/g, '');
    const resolved = ipaddr.isValid(host)
      ? Promise.resolve([{ address: host, family: (host.includes(':') ? 6 : 4) as 4 | 6 }])
      : policy.resolve(host);
    resolved.then(
      (addresses) => {
        if (addresses.length === 0)
          return callback(Object.assign(new Error(`${host} has no address`), { code: 'ENOTFOUND' }), '');
        if (
          !policy.allowPrivate &&
          (BLOCKED_HOSTNAMES.some((pattern) => pattern.test(host)) ||
            addresses.some((entry) => !isPublic(entry.address)))
        ) {
          return callback(
            Object.assign(new Error(`${host} resolves to a non-public address`), { code: 'EBLOCKEDADDRESS' }),
            '',
          );
        }
        const wanted =
          options.family === 6 || options.family === 'IPv6'
            ? 6
            : options.family === 4 || options.family === 'IPv4'
              ? 4
              : 0;
        const usable = wanted ? addresses.filter((entry) => entry.family === wanted) : addresses;
        if (usable.length === 0)
          return callback(Object.assign(new Error(`${host} has no IPv${wanted} address`), { code: 'ENOTFOUND' }), '');
        if (options.all) callback(null, usable);
        else callback(null, usable[0].address, usable[0].family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}
