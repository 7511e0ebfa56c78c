/**
 * Case 16 (../shared/cases/16-widget-turbo-navigation) and its kind: sites that swap `<body>`
 * without a full load. Real Turbo 8 (its UMD build from node_modules) with the snippet in `<body>`
 * and in `<head>`, pjax-style `document.body.replaceWith`, a history SPA (pushState + new body),
 * back navigation from Turbo's snapshot cache, and the snippet pasted twice. After each: the
 * window was not reloaded, there is exactly one widget, its launcher shows, and the conversation
 * is still there.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { askWidget, launchBrowser, widgetLocators } from '../../widget/e2e-harness';
import { FAKE_API_KEY, startFakeBackend, type FakeBackend } from '../../widget/dev/fake-backend';
import { buildWidget } from '../../widget/build';
import { shopPage, snippet, startPageSite, type PageSite } from './widget-pages';

const QUESTION = 'When are returns accepted?';

describe('the widget on sites that swap <body> without a full load (case 16)', () => {
  let browser: Browser;
  let backend: FakeBackend;
  let site: PageSite;
  let tag: string;

  beforeAll(async () => {
    if (!existsSync(path.resolve(import.meta.dirname, '..', '..', 'widget', 'dist', 'widget.js'))) await buildWidget();
    backend = await startFakeBackend({
      tokenDelayMs: 1,
      answer: () => ({ tokens: ['Returns are accepted ', 'within 14 days ', 'with a receipt.'], sources: [] }),
    });
    site = await startPageSite();
    tag = snippet(backend.url, FAKE_API_KEY);
    const nav = (current: string, next: string) =>
      `<nav><a id="nav" href="${next}">Next page</a></nav><main><h1>${current}</h1><p>Olive oil and soap.</p></main>`;
    const turbo = '<script src="/turbo.js"></script>';
    site.set('/turbo-home.html', {
      html: shopPage({ title: 'Home', head: turbo, body: `${nav('Home', '/turbo-pricing.html')}${tag}` }),
    });
    site.set('/turbo-pricing.html', {
      html: shopPage({ title: 'Pricing', head: turbo, body: `${nav('Pricing', '/turbo-home.html')}${tag}` }),
    });
    site.set('/turbohead-home.html', {
      html: shopPage({ title: 'Home', head: `${turbo}${tag}`, body: nav('Home', '/turbohead-pricing.html') }),
    });
    site.set('/turbohead-pricing.html', {
      html: shopPage({ title: 'Pricing', head: `${turbo}${tag}`, body: nav('Pricing', '/turbohead-home.html') }),
    });
    // pjax: fetch the next page and put its body in place of this one.
    const pjax = `<script>
      document.addEventListener('click', async (event) => {
        const link = event.target.closest('a#nav');
        if (!link) return;
        event.preventDefault();
        const html = await (await fetch(link.href)).text();
        const next = new DOMParser().parseFromString(html, 'text/html');
        ${'${PUSH}'}
        document.title = next.title;
        document.body.replaceWith(next.body);
      });
    </script>`;
    site.set('/pjax-home.html', {
      html: shopPage({
        title: 'Home',
        head: pjax.replace('${PUSH}', ''),
        body: `${nav('Home', '/pjax-next.html')}${tag}`,
      }),
    });
    site.set('/pjaxhead-home.html', {
      html: shopPage({
        title: 'Home',
        head: `${pjax.replace('${PUSH}', "history.pushState({}, '', link.href);")}${tag}`,
        body: nav('Home', '/pjax-next.html'),
      }),
    });
    site.set('/pjax-next.html', { html: shopPage({ title: 'Next', body: nav('Next', '/pjax-home.html') }) });
    site.set('/spa.html', {
      html: shopPage({
        title: 'SPA',
        head: pjax.replace('${PUSH}', "history.pushState({}, '', link.href);"),
        body: `${nav('SPA home', '/pjax-next.html')}${tag}`,
      }),
    });
    // A body emptied in place (innerHTML), as some frameworks render.
    site.set('/rerender.html', {
      html: shopPage({
        title: 'Rerender',
        head: `<script>document.addEventListener('click', (event) => { if (!event.target.closest('a#nav')) return; event.preventDefault(); document.body.innerHTML = '<main><h1>Rendered</h1></main>'; });</script>`,
        body: `${nav('Before', '#')}${tag}`,
      }),
    });
    // Pasted twice (head and body), inserted again by a script, and stray elements in the markup and added by hand.
    site.set('/twice.html', {
      html: shopPage({
        title: 'Twice',
        head: tag,
        body: `<chatconnect-widget></chatconnect-widget><main><h1>Twice</h1></main>${tag}<script>
          window.addEventListener('load', () => {
            const again = document.createElement('script');
            again.src = ${JSON.stringify(`${backend.url}/widget.js`)};
            again.dataset.apiKey = ${JSON.stringify(FAKE_API_KEY)};
            document.body.appendChild(again);
            document.body.appendChild(document.createElement('chatconnect-widget'));
          });
        </script>`,
      }),
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await backend?.close();
  });

  async function widgetCount(page: Page): Promise<number> {
    return page.evaluate(() => document.querySelectorAll('chatconnect-widget').length);
  }

  /** The widget is there once, its launcher shows, and the conversation survived. */
  async function expectWidgetWithConversation(page: Page): Promise<void> {
    const widget = widgetLocators(page);
    await widget.launcher.waitFor({ state: 'visible', timeout: 15_000 });
    expect(await widgetCount(page)).toBe(1);
    if (!(await widget.textbox.isVisible())) await widget.launcher.click();
    await expect.poll(() => widget.log.innerText()).toMatch(/within 14 days/);
    // Scripts and clones get time to add a second one; there still is one.
    await page.waitForTimeout(1_000);
    expect(await widgetCount(page)).toBe(1);
    expect(await widget.launcher.count()).toBe(1);
  }

  async function openPage(pagePath: string): Promise<{ page: Page; close: () => Promise<void> }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${site.url}${pagePath}`);
    await page.evaluate(() => {
      (window as unknown as { __sameWindow: boolean }).__sameWindow = true;
    });
    return {
      page,
      close: async () => {
        expect(errors).toEqual([]);
        await context.close();
      },
    };
  }

  async function navigate(page: Page, expectedPath: string | RegExp, expectedHeading: string): Promise<void> {
    await page.locator('a#nav').click();
    await expect.poll(() => page.evaluate(() => document.querySelector('main h1')?.textContent)).toBe(expectedHeading);
    if (typeof expectedPath === 'string') await expect.poll(() => new URL(page.url()).pathname).toBe(expectedPath);
    // The same window: no full load happened, which is what loses widgets.
    expect(await page.evaluate(() => (window as unknown as { __sameWindow?: boolean }).__sameWindow)).toBe(true);
  }

  for (const variant of ['turbo', 'turbohead'] as const) {
    it(`stays through Turbo Drive navigation with the snippet in <${variant === 'turbo' ? 'body' : 'head'}>, and back`, async () => {
      const { page, close } = await openPage(`/${variant}-home.html`);
      expect(await page.evaluate(() => typeof (window as unknown as { Turbo?: unknown }).Turbo)).toBe('object');
      expect(await askWidget(page, QUESTION)).toMatch(/within 14 days/);
      await navigate(page, `/${variant}-pricing.html`, 'Pricing');
      await expectWidgetWithConversation(page);
      // A second question after navigation still streams.
      expect(await askWidget(page, 'And exchanges?')).toMatch(/within 14 days/);
      // Back: Turbo restores its cached snapshot, which holds a clone of the widget element.
      await page.goBack();
      await expect.poll(() => page.evaluate(() => document.querySelector('main h1')?.textContent)).toBe('Home');
      await expectWidgetWithConversation(page);
      await close();
    });
  }

  it('stays through pushState + a new body with the snippet in <head>', async () => {
    const { page, close } = await openPage('/pjaxhead-home.html');
    await askWidget(page, QUESTION);
    await navigate(page, '/pjax-next.html', 'Next');
    await expectWidgetWithConversation(page);
    await close();
  });

  it('stays when a pjax-style script replaces <body>', async () => {
    const { page, close } = await openPage('/pjax-home.html');
    await askWidget(page, QUESTION);
    await navigate(page, '/pjax-home.html', 'Next');
    await expectWidgetWithConversation(page);
    await close();
  });

  it('stays through a history SPA navigation (pushState + a new body), keeping an open panel open', async () => {
    const { page, close } = await openPage('/spa.html');
    await askWidget(page, QUESTION);
    expect(await widgetLocators(page).textbox.isVisible()).toBe(true);
    await navigate(page, '/pjax-next.html', 'Next');
    await expect.poll(() => widgetLocators(page).textbox.isVisible()).toBe(true);
    await expectWidgetWithConversation(page);
    await close();
  });

  it("keeps a phone's full-screen panel modal over the new body", async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 667 }, reducedMotion: 'reduce' });
    const page = await context.newPage();
    await page.goto(`${site.url}/pjax-home.html`);
    await askWidget(page, QUESTION);
    expect(await page.evaluate(() => document.querySelector('main')!.hasAttribute('inert'))).toBe(true);
    // The page swaps its body (a timer, a redirect, a script): the visitor's panel stays, modal.
    await page.evaluate(async () => {
      const html = await (await fetch('/pjax-next.html')).text();
      document.body.replaceWith(new DOMParser().parseFromString(html, 'text/html').body);
    });
    await expect.poll(() => page.evaluate(() => document.querySelector('main h1')?.textContent)).toBe('Next');
    await expect.poll(() => page.evaluate(() => document.querySelector('main')!.hasAttribute('inert'))).toBe(true);
    expect(await page.evaluate(() => getComputedStyle(document.body).overflow)).toBe('hidden');
    expect(await widgetLocators(page).textbox.isVisible()).toBe(true);
    await page.keyboard.press('Tab');
    expect(
      await page.evaluate(() =>
        Boolean(document.querySelector('chatconnect-widget')!.shadowRoot!.activeElement?.closest('.panel')),
      ),
    ).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.evaluate(() => document.querySelector('main')!.hasAttribute('inert'))).toBe(false);
    expect(await page.evaluate(() => getComputedStyle(document.body).overflow)).toBe('visible');
    await context.close();
  });

  it('stays when the body is re-rendered in place', async () => {
    const { page, close } = await openPage('/rerender.html');
    await askWidget(page, QUESTION);
    await page.locator('a#nav').click();
    await expect.poll(() => page.evaluate(() => document.querySelector('main h1')?.textContent)).toBe('Rendered');
    await expectWidgetWithConversation(page);
    await close();
  });

  it('is one widget when the snippet is pasted twice and inserted again, and the page can remove it on purpose', async () => {
    const { page, close } = await openPage('/twice.html');
    await askWidget(page, QUESTION);
    await expectWidgetWithConversation(page);
    expect(
      backend.requests.filter((request) => request.path === '/api/widget/config' && request.method === 'GET').length,
    ).toBeGreaterThan(0);
    await page.evaluate(() =>
      (document.querySelector('chatconnect-widget') as HTMLElement & { destroy(): void }).destroy(),
    );
    await page.waitForTimeout(500);
    expect(await widgetCount(page)).toBe(0);
    await close();
  });
});
