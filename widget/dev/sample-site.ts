/**
 * A customer's site on another origin than the API, embedding the widget with the documented snippet
 * under a strict Content-Security-Policy. Used by widget/dev/fake-backend.ts and the e2e tests.
 */
import { createServer } from 'node:http';
import type { RunningServer } from './fake-backend';
import { closer, listen } from './servers';

export interface SampleSiteOptions {
  host?: string;
  port?: number;
  /** Origin of the API serving /widget.js, e.g. the fake backend's URL. */
  widgetOrigin: string;
  apiKey: string;
  /** Extra attributes on the embed <script>, e.g. { 'data-config': '{"position":"bottom-left"}' }. */
  scriptAttributes?: Record<string, string>;
  /** Defaults to a strict policy allowing only the widget's origin; pass null to send none. */
  contentSecurityPolicy?: string | null;
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/** The minimum CSP a customer site needs for the widget: script-src and connect-src for the API origin. */
export function strictSiteCsp(widgetOrigin: string): string {
  return `default-src 'none'; script-src 'self' ${widgetOrigin}; connect-src ${widgetOrigin}; style-src 'self'; img-src 'self'; base-uri 'none'`;
}

/** A customer's site on another origin, embedding the widget with the documented snippet. */
export async function startSampleSite(options: SampleSiteOptions): Promise<RunningServer> {
  const csp =
    options.contentSecurityPolicy === undefined ? strictSiteCsp(options.widgetOrigin) : options.contentSecurityPolicy;
  const attributes = Object.entries({ 'data-api-key': options.apiKey, ...options.scriptAttributes })
    .map(([name, value]) => ` ${name}="${escapeAttribute(value)}"`)
    .join('');
  const page = (title: string, links: string): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<title>${title}</title><link rel="stylesheet" href="/site.css"></head>
<body><header><strong>Sample Shop</strong> ${links}</header>
<main><h1>${title}</h1><p>This page embeds the ChatConnect widget from another origin under a strict Content-Security-Policy.</p></main>
<script src="${escapeAttribute(options.widgetOrigin)}/widget.js"${attributes} async></script>
</body></html>`;
  const siteCss =
    'body{margin:0;font:18px/1.6 Georgia,serif;color:#1f2937;background:#fffbeb}header{padding:16px 32px;border-bottom:1px solid #e5e7eb;display:flex;gap:24px}main{padding:48px 32px;max-width:720px}h1{font-size:44px;margin:0 0 16px}a{color:#92400e}';

  const server = createServer((request, response) => {
    const { pathname } = new URL(request.url ?? '/', 'http://site.invalid');
    const headers: Record<string, string> = csp ? { 'content-security-policy': csp } : {};
    if (pathname === '/favicon.ico') {
      response.writeHead(204).end();
      return;
    }
    if (pathname === '/site.css') {
      response.writeHead(200, { 'content-type': 'text/css' }).end(siteCss);
      return;
    }
    if (pathname === '/' || pathname === '/about') {
      const title = pathname === '/' ? 'Welcome to Sample Shop' : 'About Sample Shop';
      response
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...headers })
        .end(page(title, '<a href="/">Home</a> <a href="/about">About</a>'));
      return;
    }
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  const url = await listen(server, options.host ?? 'localhost', options.port ?? 0);
  return { url, close: closer(server) };
}
