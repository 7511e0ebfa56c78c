import { normaliseDomainEntry, originAllowed } from './origins';

export interface DomainEntryExplanation {
  entry: string;
  /** The entry as it will be stored (lower case, origin form), or null when it is refused. */
  value: string | null;
  error: string | null;
  /** Example browser origins this entry lets the widget run on. */
  allows: string[];
  /** Nearby origins it does not allow (other subdomain, scheme or port). */
  refuses: string[];
}

/**
 * How one typed `allowedDomains` line will be read, for the dashboard's live preview. The examples
 * are not described but *tested*: each candidate origin goes through `originAllowed`, the same
 * function the chat API uses, so the preview cannot drift from the rule it explains.
 */
export function explainDomainEntry(entry: string): DomainEntryExplanation {
  const normalised = normaliseDomainEntry(entry);
  if ('error' in normalised) return { entry, value: null, error: normalised.error, allows: [], refuses: [] };
  const value = normalised.value;
  const candidates = candidateOrigins(value);
  return {
    entry,
    value,
    error: null,
    allows: candidates.filter((origin) => originAllowed(origin, [value])),
    refuses: candidates.filter((origin) => !originAllowed(origin, [value])),
  };
}

function candidateOrigins(value: string): string[] {
  if (value.includes('://')) {
    const url = new URL(value);
    const otherScheme = url.protocol === 'https:' ? 'http:' : 'https:';
    return [
      url.origin,
      `${otherScheme}//${url.host}`,
      `${url.protocol}//${url.hostname}:${url.port === '8080' ? '9090' : '8080'}`,
    ];
  }
  if (value.startsWith('*.')) {
    const base = value.slice(2);
    return [`https://shop.${base}`, `http://blog.${base}:8080`, `https://${base}`, `https://evil-${base}`];
  }
  const isIp = /^[\d.]+$|^\[/.test(value);
  return [`https://${value}`, `http://${value}:3000`, ...(isIp ? [] : [`https://www.${value}`])];
}
