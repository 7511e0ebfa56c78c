import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SitePage {
  status?: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Never answer (a hung server): the crawler's timeout has to end the request. */
  hang?: boolean;
}

/**
 * A small website on loopback for crawl tests: pages by path (changeable between crawls), every
 * request recorded (path and User-Agent), ETag/If-None-Match answered with 304 when a page sets
 * an `etag` header.
 */
export async function startTestSite({ host = '127.0.0.1' }: { host?: string } = {}) {
  const pages = new Map<string, SitePage>();
  const requests: Array<{ path: string; userAgent: string; at: number }> = [];
  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push({ path, userAgent: String(req.headers['user-agent'] ?? ''), at: Date.now() });
    const page = pages.get(path) ?? pages.get(path.split('?')[0]);
    if (!page) {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not found</h1>');
      return;
    }
    if (page.hang) return;
    const headers: Record<string, string> = { 'content-type': 'text/html; charset=utf-8', ...page.headers };
    if (headers.etag && req.headers['if-none-match'] === headers.etag) {
      res.writeHead(304, { etag: headers.etag }).end();
      return;
    }
    res.writeHead(page.status ?? 200, headers).end(page.body ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    origin,
    port,
    pages,
    requests,
    requested: (path: string) => requests.filter((request) => request.path === path).length,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
export type TestSite = Awaited<ReturnType<typeof startTestSite>>;

/** A page with a title, navigation and a main text, as sites have them. */
export const htmlPage = ({
  title,
  body,
  links = [],
  head = '',
}: {
  title: string;
  body: string;
  links?: string[];
  head?: string;
}) =>
  `<!doctype html><html><head><title>${title}</title>${head}</head><body>
<nav>${links.map((href) => `<a href="${href}">${href}</a>`).join(' ')}</nav>
<main><h1>${title}</h1>${body}</main>
<footer>Copyright Example Garden Supplies</footer></body></html>`;
