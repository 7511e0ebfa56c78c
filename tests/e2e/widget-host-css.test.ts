/**
 * Case 17 (../shared/cases/17-widget-host-css) and its kind: host stylesheets that reach the
 * widget's element (universal rules, `body *`, `div`, the element's own name; with and without
 * `!important`; on inherited text properties and on layout). The widget must look exactly as on a
 * plain page: every computed property of its parts and their boxes are compared, in Chromium.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { askWidget, launchBrowser, widgetLocators } from '../../widget/e2e-harness';
import { FAKE_API_KEY, startFakeBackend, type FakeBackend } from '../../widget/dev/fake-backend';
import { buildWidget } from '../../widget/build';
import {
  computedStyles,
  hostStyles,
  shopPage,
  snippet,
  startPageSite,
  styleDifferences,
  type PageSite,
} from './widget-pages';

/** The widget's parts whose computed styles must not depend on the host page. */
const WIDGET_PARTS = [
  '.cc',
  '.launcher',
  '.launcher svg',
  '.panel',
  '.header',
  '.title',
  '.subtitle',
  '.icon-button',
  '.icon-button svg',
  '[role="log"]',
  '.msg.greeting .bubble',
  '.msg.user .bubble',
  '.msg.assistant:not(.greeting) .bubble',
  '.msg.assistant:not(.greeting) .bubble p',
  '.msg.assistant:not(.greeting) .bubble li',
  '.msg.assistant:not(.greeting) .bubble strong',
  '.msg.assistant:not(.greeting) .bubble code',
  '.msg.assistant:not(.greeting) .bubble a',
  'sup.cite',
  '.sources-label',
  '.source',
  '.source-name',
  '.source-page',
  '.rate',
  '.input',
  '.send',
  '.footer',
];

const HOST_IDS = ['host-heading', 'host-text', 'host-button', 'host-input'];
const HOST_PROPERTIES = [
  'font-family',
  'font-size',
  'font-style',
  'letter-spacing',
  'text-transform',
  'color',
  'line-height',
  'display',
  'margin-top',
  'background-color',
];

/** The case's page, and others of the same kind. */
const HOSTILE_STYLESHEETS: Record<string, string> = {
  // Case 17, hostcss.html.
  'case 17: universal rule with !important, rem root, resets on form controls, svg size, [role=log] hidden':
    'html{font-size:62.5%} *{letter-spacing:.3em!important;text-transform:uppercase!important;font-style:italic!important;line-height:3!important} button,input,textarea{all:unset} svg{width:300px;height:300px} [role=log]{display:none!important}',
  // Case 17, hostcss-plain.html.
  'case 17: universal rule without !important':
    '*{letter-spacing:.2em;text-transform:uppercase;font-style:italic;word-spacing:1em}',
  'every inherited text property, !important': `* { font-family: "Courier New", monospace !important; font-size: 22px !important; font-weight: 900 !important;
    font-variant: small-caps !important; font-feature-settings: "smcp" 1, "liga" 0 !important; font-stretch: condensed !important; line-height: 0.8 !important;
    letter-spacing: 5px !important; word-spacing: 20px !important; text-transform: lowercase !important; text-align: right !important; text-indent: 40px !important;
    text-shadow: 2px 2px 0 red !important; color: #ff00ff !important; cursor: wait !important; white-space: pre !important; direction: rtl !important;
    word-break: break-all !important; overflow-wrap: anywhere !important; -webkit-text-fill-color: lime !important; -webkit-text-stroke: 1px red !important;
    quotes: "<" ">" !important; font-kerning: none !important; tab-size: 2 !important; hyphens: auto !important; text-rendering: optimizeSpeed !important;
    list-style: square inside !important; border-collapse: collapse !important; caret-color: red !important; color-scheme: dark !important; accent-color: red !important;
    visibility: visible !important; font-synthesis: none !important; text-underline-offset: 9px !important; font-variant-numeric: oldstyle-nums !important;
    line-break: anywhere !important; text-wrap: nowrap !important; paint-order: stroke !important; image-rendering: pixelated !important; }`,
  'layout rules on body descendants, divs and the element itself, !important': `
    body *, div, body > *:last-child, chatconnect-widget { position: absolute !important; top: -9999px !important; left: -9999px !important; right: auto !important;
      bottom: auto !important; display: none !important; width: 1px !important; height: 1px !important; overflow: hidden !important; transform: scale(0.1) !important;
      filter: blur(4px) !important; opacity: 0 !important; visibility: hidden !important; clip-path: inset(50%) !important; contain: strict !important;
      z-index: -1 !important; pointer-events: none !important; content-visibility: hidden !important; margin: 40px !important; padding: 40px !important;
      border: 9px solid red !important; zoom: 0.5 !important; mix-blend-mode: difference !important; isolation: isolate !important; will-change: transform !important;
      perspective: 10px !important; backdrop-filter: blur(2px) !important; mask-image: linear-gradient(transparent, transparent) !important; }
    *::before, *::after { content: "X" !important; display: block !important; width: 300px !important; height: 300px !important; background: red !important; }
    :root, body { --cc-primary: #ff0000; --cc-accent: #ff0000; --cc-viewport-height: 10px; --cc-viewport-top: 300px; }`,
  'layout rules on body descendants without !important, plus inherited ones on body': `
    body { font: italic 30px/3 serif; letter-spacing: 4px; text-transform: uppercase; color: red; direction: rtl; text-align: center; white-space: nowrap; cursor: help; }
    body * { position: relative; display: inline; transform: rotate(10deg); filter: grayscale(1); opacity: .5; zoom: 2; margin: 20px; }
    chatconnect-widget { display: none; visibility: hidden; }`,
};

describe('the widget on pages whose stylesheets reach its element (case 17)', () => {
  let browser: Browser;
  let backend: FakeBackend;
  let site: PageSite;

  beforeAll(async () => {
    if (!existsSync(path.resolve(import.meta.dirname, '..', '..', 'widget', 'dist', 'widget.js'))) await buildWidget();
    backend = await startFakeBackend({ tokenDelayMs: 1, widgetConfig: { contactEnabled: false } });
    site = await startPageSite();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await backend?.close();
  });

  /** Opens `html` in a fresh context, asks one question and reads the widget's and the page's styles. */
  async function stylesOn(pagePath: string, html: string) {
    site.set(pagePath, { html });
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      reducedMotion: 'reduce',
      locale: 'en-US',
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${site.url}${pagePath}`);
    const widget = widgetLocators(page);
    await widget.launcher.waitFor({ state: 'visible' });
    const hostBefore = await hostStyles(page, HOST_IDS, HOST_PROPERTIES);
    const answer = await askWidget(page, 'When are returns accepted?');
    await widget.sources.first().waitFor({ state: 'visible' });
    await widget.host.locator('.rate').first().waitFor({ state: 'visible' });
    await page.mouse.move(640, 10);
    const widgetStyles = await computedStyles(page, WIDGET_PARTS);
    const hostAfter = await hostStyles(page, HOST_IDS, HOST_PROPERTIES);
    const answerText = await widget.answers.last().locator('.bubble').innerText();
    const elementStyleAttribute = await page.evaluate(
      () => document.querySelector('chatconnect-widget')?.getAttribute('style') ?? null,
    );
    await context.close();
    return { answer, answerText, widgetStyles, hostBefore, hostAfter, errors, elementStyleAttribute };
  }

  let plain: Awaited<ReturnType<typeof stylesOn>>;

  beforeAll(async () => {
    plain = await stylesOn(
      '/plain.html',
      shopPage({
        body: `<main><h2 id="host-heading">The Olive Store</h2><p id="host-text">Olive oil.</p><button id="host-button">Buy</button><input id="host-input"></main>${snippet(backend.url, FAKE_API_KEY)}`,
      }),
    );
  });

  it('renders every part on a plain page (the reference)', () => {
    for (const part of WIDGET_PARTS) expect(plain.widgetStyles[part], part).not.toBeNull();
    expect(plain.errors).toEqual([]);
    expect(plain.widgetStyles['.msg.assistant:not(.greeting) .bubble']!['text-transform']).toBe('none');
  });

  it('looks exactly as on a plain page when a script puts !important inline styles on the element', async () => {
    const script = `<script>
      new MutationObserver(() => {
        const host = document.querySelector('chatconnect-widget');
        if (!host || host.dataset.styled) return;
        host.dataset.styled = '1';
        host.setAttribute('style', 'display:none!important;position:absolute!important;top:-500px!important;transform:scale(.2)!important;font:italic 40px serif!important;letter-spacing:9px!important;text-transform:uppercase!important;direction:rtl!important;color:red!important;opacity:.1!important');
      }).observe(document.documentElement, { childList: true, subtree: true });
    </script>`;
    const hostile = await stylesOn(
      '/inline-style.html',
      shopPage({
        head: script,
        body: `<main><h2 id="host-heading">The Olive Store</h2><p id="host-text">Olive oil.</p><button id="host-button">Buy</button><input id="host-input"></main>${snippet(backend.url, FAKE_API_KEY)}`,
      }),
    );
    expect(hostile.errors).toEqual([]);
    expect(hostile.elementStyleAttribute).toContain('display:none!important');
    expect(styleDifferences(plain.widgetStyles, hostile.widgetStyles)).toEqual([]);
  });

  for (const [name, css] of Object.entries(HOSTILE_STYLESHEETS)) {
    it(`looks exactly as on a plain page: ${name}`, async () => {
      const slug = `/${name.replace(/\W+/g, '-').slice(0, 60)}.html`;
      const hostile = await stylesOn(
        slug,
        shopPage({
          css,
          body: `<main><h2 id="host-heading">The Olive Store</h2><p id="host-text">Olive oil.</p><button id="host-button">Buy</button><input id="host-input"></main>${snippet(backend.url, FAKE_API_KEY)}`,
        }),
      );
      expect(hostile.errors).toEqual([]);
      expect(styleDifferences(plain.widgetStyles, hostile.widgetStyles)).toEqual([]);
      // The answer reads as written, not in spaced capitals.
      expect(hostile.answerText).toBe(plain.answerText);
      // And the widget leaves the page's own styles alone.
      expect(hostile.hostAfter).toEqual(hostile.hostBefore);
    });
  }
});
