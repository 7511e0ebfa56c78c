/**
 * Customer pages for the widget's end-to-end tests: a tiny site on `localhost` (another origin
 * than the API on 127.0.0.1) that serves whatever pages a test describes, hostile stylesheets,
 * right-to-left documents, Turbo Drive (the real @hotwired/turbo UMD build from node_modules)
 * and pages that swap `<body>` themselves.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

export interface SitePage {
  html: string;
  /** Sent as Content-Security-Policy when set. */
  csp?: string;
}

export interface PageSite {
  url: string;
  /** Adds or replaces a page at `path` (e.g. `/hostile.html`). */
  set(path: string, page: SitePage): void;
  close(): Promise<void>;
}

const require = createRequire(import.meta.url);
const TURBO_UMD = readFileSync(require.resolve('@hotwired/turbo/dist/turbo.es2017-umd.js'), 'utf8');

/** Serves pages from memory; `/turbo.js` is Turbo 8's UMD build, `/favicon.ico` is empty. */
export async function startPageSite(): Promise<PageSite> {
  const pages = new Map<string, SitePage>();
  const server = createServer((request, response) => {
    const { pathname } = new URL(request.url ?? '/', 'http://site.invalid');
    if (pathname === '/turbo.js') {
      response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(TURBO_UMD);
      return;
    }
    const page = pages.get(pathname);
    if (!page) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    response
      .writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        ...(page.csp ? { 'content-security-policy': page.csp } : {}),
      })
      .end(page.html);
  });
  await new Promise<void>((resolve) => server.listen(0, 'localhost', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    set: (path, page) => pages.set(path, page),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface PageOptions {
  title?: string;
  lang?: string;
  dir?: 'ltr' | 'rtl';
  /** A stylesheet in the head (inline: these pages send no CSP unless asked). */
  css?: string;
  /** Markup in the head after the stylesheet (e.g. the Turbo script). */
  head?: string;
  body?: string;
}

export function snippet(apiOrigin: string, apiKey: string, attributes = ''): string {
  return `<script src="${apiOrigin}/widget.js" data-api-key="${apiKey}" async${attributes ? ` ${attributes}` : ''}></script>`;
}

/** A small shop page: a heading, text, a button, a form field, a nav. */
export function shopPage(options: PageOptions = {}): string {
  return `<!doctype html>
<html lang="${options.lang ?? 'en'}"${options.dir ? ` dir="${options.dir}"` : ''}><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title ?? 'Olive Store'}</title>
${options.css ? `<style>${options.css}</style>` : ''}
${options.head ?? ''}
</head><body>
${options.body ?? '<main><h2 id="host-heading">The Olive Store</h2><p id="host-text">Olive oil, soap and gifts.</p><button id="host-button" type="button">Buy</button> <input id="host-input" value="x"></main>'}
</body></html>`;
}

/** Properties whose computed values are compared between a plain page and a hostile one (every one Chromium reports). */
export async function computedStyles(
  page: Page,
  selectors: readonly string[],
): Promise<Record<string, Record<string, string> | null>> {
  return page.evaluate((list) => {
    const root = document.querySelector('chatconnect-widget')?.shadowRoot;
    const result: Record<string, Record<string, string> | null> = {};
    for (const selector of list) {
      const element = root?.querySelector(selector);
      if (!element) {
        result[selector] = null;
        continue;
      }
      const style = getComputedStyle(element);
      const values: Record<string, string> = {};
      for (let index = 0; index < style.length; index += 1) {
        const name = style.item(index);
        values[name] = style.getPropertyValue(name);
      }
      const box = element.getBoundingClientRect();
      values['(box)'] = [box.x, box.y, box.width, box.height].map((value) => Math.round(value)).join(',');
      result[selector] = values;
    }
    return result;
  }, selectors);
}

/** Styles of the host page's own elements (to show the widget leaves them alone). */
export async function hostStyles(
  page: Page,
  ids: readonly string[],
  properties: readonly string[],
): Promise<Record<string, Record<string, string>>> {
  return page.evaluate(
    ({ ids: list, properties: names }) => {
      const result: Record<string, Record<string, string>> = {};
      for (const id of list) {
        const element = document.getElementById(id);
        if (!element) continue;
        const style = getComputedStyle(element);
        result[id] = Object.fromEntries(names.map((name) => [name, style.getPropertyValue(name)]));
      }
      return result;
    },
    { ids, properties },
  );
}

/** Differences between two computed-style maps, as `selector property: expected → actual` lines. */
export function styleDifferences(
  expected: Record<string, Record<string, string> | null>,
  actual: Record<string, Record<string, string> | null>,
): string[] {
  const differences: string[] = [];
  for (const [selector, values] of Object.entries(expected)) {
    const other = actual[selector];
    if (!values || !other) {
      if (values !== other)
        differences.push(`${selector}: ${values ? 'present' : 'missing'} → ${other ? 'present' : 'missing'}`);
      continue;
    }
    for (const [name, value] of Object.entries(values)) {
      if (other[name] !== value) differences.push(`${selector} ${name}: ${value} → ${other[name]}`);
    }
  }
  return differences;
}
