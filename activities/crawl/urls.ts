/** One spelling per page: no fragment, default port dropped, host lower-cased (WHATWG URL does both). */
export function normalizeUrl(value: string, base?: string): string | null {
  try {
    const url = new URL(value, base);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    if (url.username || url.password) return null;
    url.hash = '';
    return url.href;
  } catch {
    return null;
  }
}

/** Same host (name and port) as the source's URL; the scheme may differ. */
export const sameHost = (url: string, origin: string): boolean => {
  try {
    return new URL(url).host === new URL(origin).host;
  } catch {
    return false;
  }
};

/** Whether a Content-Type is a web page. */
export const isHtmlType = (contentType: string | undefined) =>
  /^\s*(text\/html|application\/xhtml\+xml)\b/i.test(contentType ?? '');
