/**
 * What a visitor does besides asking: rate answers (POST /chat/feedback), ask for a person
 * (POST /chat/contact), use the widget full screen on a phone (focus trapped, page inert and not
 * scrolling, Esc back to the launcher), see answers without sources when the site says so, and
 * all of it under strict Content-Security-Policies (the ones widget/README.md documents).
 * Against widget/dev/fake-backend.ts, which speaks those endpoints as ../shared/spec/api.md says.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { askWidget, launchBrowser, widgetLocators } from '../../widget/e2e-harness';
import { FAKE_API_KEY, startFakeBackend, type FakeBackend } from '../../widget/dev/fake-backend';
import { buildWidget } from '../../widget/build';
import { EN } from '../../widget/src/i18n/en';
import { shopPage, snippet, startPageSite, type PageSite } from './widget-pages';

const PAGE_BODY =
  '<header><a href="#a">Shop</a> <a href="#b">About</a></header><main><h1>Olive Store</h1><p>Text</p><button type="button">Buy</button><input aria-label="Search"><div id="already-inert" inert><button>Hidden</button></div><div style="height:3000px"></div></main>';

describe('a visitor rating answers, asking for a person, on a phone and under strict CSPs', () => {
  let browser: Browser;
  let backend: FakeBackend;
  let quietSite: FakeBackend;
  let site: PageSite;

  beforeAll(async () => {
    if (!existsSync(path.resolve(import.meta.dirname, '..', '..', 'widget', 'dist', 'widget.js'))) await buildWidget();
    backend = await startFakeBackend({ tokenDelayMs: 1, widgetConfig: { contactEnabled: true } });
    quietSite = await startFakeBackend({
      tokenDelayMs: 1,
      widgetConfig: { contactEnabled: false, showSources: false },
    });
    site = await startPageSite();
    site.set('/shop.html', { html: shopPage({ body: `${PAGE_BODY}${snippet(backend.url, FAKE_API_KEY)}` }) });
    site.set('/quiet.html', { html: shopPage({ body: `${PAGE_BODY}${snippet(quietSite.url, FAKE_API_KEY)}` }) });
    // No inline script or style anywhere, as the strict policies below require.
    const strictBody = `<main><h1>Strict</h1></main>${snippet(backend.url, FAKE_API_KEY)}`;
    site.set('/strict.html', {
      html: shopPage({ body: strictBody }),
      csp: `default-src 'none'; script-src ${backend.url}; connect-src ${backend.url}; style-src 'none'; img-src 'none'; font-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; require-trusted-types-for 'script'; trusted-types chatconnect`,
    });
    site.set('/strict-nonce.html', {
      html: shopPage({ body: `<main><h1>Strict</h1></main>${snippet(backend.url, FAKE_API_KEY, 'nonce="r4nd0m"')}` }),
      csp: `default-src 'none'; script-src 'nonce-r4nd0m' 'strict-dynamic'; connect-src ${backend.url}; style-src 'none'; img-src 'none'; base-uri 'none'; form-action 'none'`,
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await backend?.close();
    await quietSite?.close();
  });

  async function open(pagePath: string, options: { width?: number; height?: number; locale?: string } = {}) {
    const context = await browser.newContext({
      viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
      reducedMotion: 'reduce',
      locale: options.locale ?? 'en-US',
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.addInitScript(() => {
      const violations: string[] = [];
      (window as unknown as { __violations: string[] }).__violations = violations;
      document.addEventListener('securitypolicyviolation', (event) =>
        violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`),
      );
    });
    await page.goto(`${site.url}${pagePath}`);
    await widgetLocators(page).launcher.waitFor({ state: 'visible' });
    return { page, errors, close: () => context.close() };
  }

  /** The element focused inside the widget's shadow root, described, or null when focus is on the page. */
  async function focusedInWidget(page: Page): Promise<{ inPanel: boolean; label: string } | null> {
    return page.evaluate(() => {
      const host = document.querySelector('chatconnect-widget')!;
      if (document.activeElement !== host) return null;
      const active = host.shadowRoot!.activeElement as HTMLElement | null;
      if (!active) return null;
      return {
        inPanel: Boolean(active.closest('.panel')),
        label: active.getAttribute('aria-label') ?? active.className,
      };
    });
  }

  it('rates an answer up, then down with a comment; the rating is kept across a reload', async () => {
    const { page, errors, close } = await open('/shop.html');
    await askWidget(page, 'How long do returns take?');
    const widget = widgetLocators(page);
    const sessionId = backend.requests.filter((request) => request.path === '/chat/stream').at(-1)!.body as {
      sessionId?: string;
    };
    const answer = widget.answers.last();
    await answer.getByRole('button', { name: EN.helpful, exact: true }).click();
    await expect.poll(() => [...backend.feedback.values()].at(-1)?.rating).toBe('up');
    const [messageId, first] = [...backend.feedback.entries()].at(-1)!;
    expect(messageId).toMatch(/^msg-/);
    expect(first.comment).toBeNull();
    expect(sessionId.sessionId ?? first.sessionId).toBe(first.sessionId);
    await expect.poll(() => answer.getByRole('status').innerText()).toBe(EN.feedbackThanks);

    await answer.getByRole('button', { name: EN.notHelpful }).click();
    await expect.poll(() => backend.feedback.get(messageId)?.rating).toBe('down');
    const comment = answer.getByRole('textbox', { name: EN.feedbackComment });
    await comment.fill('It did not say who pays for the return label.');
    await answer.getByRole('button', { name: EN.feedbackSend }).click();
    await expect
      .poll(() => backend.feedback.get(messageId)?.comment)
      .toBe('It did not say who pays for the return label.');
    await expect.poll(() => comment.count()).toBe(0);

    await page.reload();
    await widget.launcher.click();
    await expect
      .poll(() => widget.answers.last().getByRole('button', { name: EN.notHelpful }).getAttribute('aria-pressed'))
      .toBe('true');
    expect(errors).toEqual([]);
    await close();
  });

  it("offers a person after a declined answer and from the header; validates the address; sends the chat's session", async () => {
    const { page, errors, close } = await open('/shop.html');
    const widget = widgetLocators(page);
    expect(await askWidget(page, 'Do you sell cars? trigger-ungrounded')).toMatch(/could not find/);
    const offer = widget.answers.last().getByRole('button', { name: EN.talkToPerson });
    await offer.click();
    const form = widget.host.locator('form.contact');
    await form.getByRole('textbox', { name: EN.contactEmail }).fill('not an address');
    await form.getByRole('button', { name: EN.contactSend }).click();
    await expect.poll(() => form.getByRole('alert').innerText()).toBe(EN.contactInvalidEmail);
    const contactsBefore = backend.contacts.length;
    await form.getByRole('textbox', { name: EN.contactEmail }).fill('ana@example.com');
    await form.getByRole('textbox', { name: EN.contactName }).fill('Ana');
    await form.getByRole('textbox', { name: EN.contactMessage }).fill('I need a quote for 40 bottles.');
    await form.getByRole('button', { name: EN.contactSend }).click();
    await expect.poll(() => widget.host.getByRole('status').last().innerText()).toBe(EN.contactSent);
    expect(backend.contacts.length).toBe(contactsBefore + 1);
    const contact = backend.contacts.at(-1)!;
    const chatSession = backend.requests.filter((request) => request.path === '/chat/stream').at(-1)!;
    expect(contact).toEqual({
      sessionId: expect.stringMatching(/^[\w.:-]{1,128}$/),
      email: 'ana@example.com',
      name: 'Ana',
      message: 'I need a quote for 40 bottles.',
    });
    // The contact joins the conversation it came from.
    const answeredSession = await page.evaluate(
      () => Object.entries(localStorage).find(([key]) => key.endsWith(':session'))?.[1],
    );
    expect(contact.sessionId).toBe(answeredSession);
    expect((chatSession.body as { sessionId?: string }).sessionId ?? answeredSession).toBe(answeredSession);

    // From the header, at any time.
    await widget.host.locator('.header').getByRole('button', { name: EN.talkToPerson }).click();
    await expect.poll(() => widget.host.locator('form.contact').count()).toBe(1);
    await widget.host.locator('form.contact').getByRole('button', { name: EN.cancel }).click();
    await expect.poll(() => widget.host.locator('form.contact').count()).toBe(0);
    expect(errors).toEqual([]);
    await close();
  });

  it('shows neither sources, citations nor the person offer when the site turns them off', async () => {
    const { page, close } = await open('/quiet.html');
    const widget = widgetLocators(page);
    const answer = await askWidget(page, 'How long do returns take?');
    expect(answer).toMatch(/60 days/);
    expect(answer).not.toMatch(/\[\d\]/);
    expect(await widget.host.locator('.sources, sup.cite').count()).toBe(0);
    await askWidget(page, 'Do you sell cars? trigger-ungrounded');
    expect(await widget.host.getByRole('button', { name: EN.talkToPerson }).count()).toBe(0);
    await close();
  });

  it('on a 375 px phone: full screen, focus trapped, page inert and not scrolling; Esc restores all and focuses the launcher', async () => {
    const { page, close } = await open('/shop.html', { width: 375, height: 667 });
    const widget = widgetLocators(page);
    await widget.launcher.focus();
    await page.keyboard.press('Enter');
    await widget.textbox.waitFor({ state: 'visible' });
    const box = (await widget.panel.boundingBox())!;
    expect([box.x, box.y, box.width, box.height]).toEqual([0, 0, 375, 667]);
    expect(await widget.panel.getAttribute('aria-modal')).toBe('true');
    const pageState = () =>
      page.evaluate(() => ({
        inert: ['header', 'main'].map((selector) => document.querySelector(selector)!.hasAttribute('inert')),
        alreadyInert: document.getElementById('already-inert')!.hasAttribute('inert'),
        overflow: [getComputedStyle(document.documentElement).overflow, getComputedStyle(document.body).overflow],
      }));
    expect(await pageState()).toEqual({ inert: [true, true], alreadyInert: true, overflow: ['hidden', 'hidden'] });
    for (const key of ['Tab', 'Shift+Tab']) {
      for (let step = 0; step < 12; step += 1) {
        await page.keyboard.press(key);
        const focused = await focusedInWidget(page);
        expect(focused, `${key} #${step + 1}`).not.toBeNull();
        expect(focused!.inPanel, `${key} #${step + 1}: ${focused!.label}`).toBe(true);
      }
    }
    await page.keyboard.press('Escape');
    await expect.poll(() => widget.textbox.isVisible()).toBe(false);
    expect(await focusedInWidget(page)).toEqual({ inPanel: false, label: EN.openChat });
    expect(await pageState()).toEqual({ inert: [false, false], alreadyInert: true, overflow: ['visible', 'visible'] });
    await page.mouse.wheel(0, 800);
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
    await close();
  });

  for (const pagePath of ['/strict.html', '/strict-nonce.html']) {
    it(`works under the strict CSP of ${pagePath} with nothing blocked (chat, strings file, rating, contact form)`, async () => {
      const { page, errors, close } = await open(pagePath, { locale: 'es-ES' });
      const widget = widgetLocators(page);
      await widget.launcher.click();
      const textbox = widget.host.getByRole('textbox', { name: 'Mensaje' });
      await textbox.fill('¿Cuánto tardan las devoluciones?');
      await textbox.press('Enter');
      await widget.host.locator('.rate').first().waitFor({ state: 'visible' });
      await widget.host.locator('.rate').first().click();
      await expect.poll(() => widget.host.getByRole('status').first().innerText()).toBe('Gracias por tu opinión.');
      await widget.host.locator('.header .icon-button').first().click();
      await widget.host.locator('form.contact input[type=email]').fill('ana@example.com');
      await widget.host.locator('form.contact button[type=submit]').click();
      await widget.host.locator('.contact-done').waitFor({ state: 'visible' });
      expect(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations)).toEqual([]);
      expect(errors).toEqual([]);
      await close();
    });
  }
});
