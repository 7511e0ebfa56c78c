/**
 * Case 15 (../shared/cases/15-widget-rtl-page) and its kind: the widget's own strings follow the
 * widget's language, not the page's direction; each message bubble takes its own text's direction
 * and aligns to its start. Plus localisation: the visitor's language (or the site's `locale`
 * setting), one strings file per language loaded only when needed, the tenant's texts first.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { askWidget, launchBrowser, widgetLocators } from '../../widget/e2e-harness';
import { FAKE_API_KEY, startFakeBackend, type FakeAnswer, type FakeBackend } from '../../widget/dev/fake-backend';
import { buildWidget } from '../../widget/build';
import { DEFAULT_WIDGET_CONFIG } from '../../core/widget-config';
import { EN } from '../../widget/src/i18n/en';
import { STRINGS as AR } from '../../widget/src/i18n/ar';
import { STRINGS as DE } from '../../widget/src/i18n/de';
import { STRINGS as ES } from '../../widget/src/i18n/es';
import { STRINGS as FR } from '../../widget/src/i18n/fr';
import { STRINGS as JA } from '../../widget/src/i18n/ja';
import { STRINGS as PT } from '../../widget/src/i18n/pt';
import { STRINGS as ZH } from '../../widget/src/i18n/zh';
import { shopPage, snippet, startPageSite, type PageSite } from './widget-pages';

// The facts of the case's olive-store-ar-en.txt, long enough that an answer wraps over several lines.
const ARABIC_ANSWER =
  'يفتح متجر الزيتون من الساعة التاسعة صباحاً حتى السادسة مساءً من الأحد إلى الخميس. يمكن إرجاع المنتجات خلال أربعة عشر يوماً مع الإيصال. نرحب بكم في المتجر طوال أيام الأسبوع ما عدا الجمعة والسبت.';
const ENGLISH_ANSWER =
  'The Olive Store is open from 9 am to 6 pm, Sunday to Thursday. Returns are accepted within 14 days with a receipt. We look forward to seeing you in the store.';

function answer(message: string): FakeAnswer {
  const text = /[\u0600-\u06ff]/.test(message) ? ARABIC_ANSWER : ENGLISH_ANSWER;
  return { tokens: text.split(/(?<= )/), sources: [] };
}

interface BubbleLayout {
  direction: string;
  textAlign: string;
  /** Distance of the last line's start edge from the bubble's content start edge, in px (0 = aligned to start). */
  lastLineFromStart: number;
  lines: number;
}

/** Where the last line of the newest answer sits inside its bubble. */
async function lastAnswerLayout(page: Page): Promise<BubbleLayout> {
  return page.evaluate(() => {
    const root = document.querySelector('chatconnect-widget')!.shadowRoot!;
    const bubbles = root.querySelectorAll('.msg.assistant:not(.greeting) .bubble');
    const bubble = bubbles[bubbles.length - 1] as HTMLElement;
    const style = getComputedStyle(bubble);
    const range = document.createRange();
    range.selectNodeContents(bubble);
    const rects = [...range.getClientRects()].filter((rect) => rect.width > 0);
    const lineTops = new Set(rects.map((rect) => Math.round(rect.top)));
    const lastTop = Math.max(...lineTops);
    const lastLine = rects.filter((rect) => Math.round(rect.top) === lastTop);
    const box = bubble.getBoundingClientRect();
    const contentLeft = box.left + parseFloat(style.borderLeftWidth) + parseFloat(style.paddingLeft);
    const contentRight = box.right - parseFloat(style.borderRightWidth) - parseFloat(style.paddingRight);
    const lineLeft = Math.min(...lastLine.map((rect) => rect.left));
    const lineRight = Math.max(...lastLine.map((rect) => rect.right));
    const rtl = style.direction === 'rtl';
    return {
      direction: style.direction,
      textAlign: style.textAlign,
      lastLineFromStart: Math.round(rtl ? contentRight - lineRight : lineLeft - contentLeft),
      lines: lineTops.size,
    };
  });
}

async function uiText(page: Page) {
  return page.evaluate(() => {
    const root = document.querySelector('chatconnect-widget')!.shadowRoot!;
    const cc = root.querySelector('.cc') as HTMLElement;
    const input = root.querySelector('textarea.input') as HTMLTextAreaElement | null;
    const footer = root.querySelector('.footer') as HTMLElement | null;
    return {
      lang: cc.lang,
      direction: getComputedStyle(cc).direction,
      launcher: root.querySelector('.launcher')!.getAttribute('aria-label'),
      placeholder: input?.placeholder ?? null,
      inputDirection: input ? getComputedStyle(input).direction : null,
      footer: footer?.textContent ?? null,
      footerDirection: footer ? getComputedStyle(footer).direction : null,
      title: root.querySelector('.title')?.textContent ?? null,
      greeting: (root.querySelector('.msg.greeting .bubble') as HTMLElement | null)?.innerText.trim() ?? null,
    };
  });
}

describe("the widget on right-to-left pages and in the visitor's language (case 15)", () => {
  let browser: Browser;
  let backend: FakeBackend;
  let frenchSite: FakeBackend;
  let site: PageSite;

  beforeAll(async () => {
    if (!existsSync(path.resolve(import.meta.dirname, '..', '..', 'widget', 'dist', 'widget.js'))) await buildWidget();
    // The tenant wrote a title; greeting and placeholder are left at their defaults.
    const widgetConfig = {
      title: 'Olive Store',
      greeting: DEFAULT_WIDGET_CONFIG.greeting,
      placeholder: DEFAULT_WIDGET_CONFIG.placeholder,
      starterPrompts: [],
      contactEnabled: false,
    };
    backend = await startFakeBackend({ tokenDelayMs: 1, answer, widgetConfig });
    frenchSite = await startFakeBackend({ tokenDelayMs: 1, answer, widgetConfig: { ...widgetConfig, locale: 'fr' } });
    site = await startPageSite();
    site.set('/rtl.html', {
      html: shopPage({
        lang: 'ar',
        dir: 'rtl',
        title: 'متجر الزيتون',
        body: `<main><h1>متجر الزيتون</h1></main>${snippet(backend.url, FAKE_API_KEY)}`,
      }),
    });
    site.set('/ltr.html', {
      html: shopPage({ body: `<main><h1>The Olive Store</h1></main>${snippet(backend.url, FAKE_API_KEY)}` }),
    });
    site.set('/french-site.html', {
      html: shopPage({ body: `<main><h1>La boutique</h1></main>${snippet(frenchSite.url, FAKE_API_KEY)}` }),
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await backend?.close();
    await frenchSite?.close();
  });

  async function open(pagePath: string, locale: string) {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      reducedMotion: 'reduce',
      locale,
    });
    const page = await context.newPage();
    const chunks: string[] = [];
    page.on('request', (request) => {
      const match = /\/widget\/(i18n-[a-z]{2})-\w+\.js$/.exec(new URL(request.url()).pathname);
      if (match) chunks.push(match[1]);
    });
    await page.goto(`${site.url}${pagePath}`);
    await widgetLocators(page).launcher.waitFor({ state: 'visible' });
    return { page, chunks, close: () => context.close() };
  }

  for (const pagePath of ['/rtl.html', '/ltr.html']) {
    it(`on ${pagePath}: English UI reads left to right, Arabic answers right to left and right-aligned`, async () => {
      const { page, chunks, close } = await open(pagePath, 'en-US');
      const widget = widgetLocators(page);
      await widget.launcher.click();
      await widget.textbox.waitFor({ state: 'visible' });
      const ui = await uiText(page);
      expect(ui).toMatchObject({
        lang: 'en',
        direction: 'ltr',
        launcher: EN.closeChat,
        placeholder: EN.defaultPlaceholder,
        inputDirection: 'ltr',
        footer: EN.footer,
        footerDirection: 'ltr',
        title: 'Olive Store',
      });
      expect(chunks).toEqual([]);

      expect(await askWidget(page, 'What are the opening hours?')).toContain('9 am to 6 pm');
      const english = await lastAnswerLayout(page);
      expect(english).toMatchObject({ direction: 'ltr', textAlign: 'start' });
      expect(english.lines).toBeGreaterThan(1);
      expect(english.lastLineFromStart).toBeLessThanOrEqual(1);

      expect(await askWidget(page, 'ما هي ساعات العمل؟')).toContain('التاسعة');
      const arabic = await lastAnswerLayout(page);
      expect(arabic).toMatchObject({ direction: 'rtl', textAlign: 'start' });
      expect(arabic.lines).toBeGreaterThan(1);
      expect(arabic.lastLineFromStart).toBeLessThanOrEqual(1);
      const question = await page.evaluate(() => {
        const bubbles = document.querySelector('chatconnect-widget')!.shadowRoot!.querySelectorAll('.msg.user .bubble');
        return getComputedStyle(bubbles[bubbles.length - 1]).direction;
      });
      expect(question).toBe('rtl');

      // The whole panel and launcher stay inside the viewport.
      const panel = (await widget.panel.boundingBox())!;
      expect(panel.x).toBeGreaterThanOrEqual(0);
      expect(panel.x + panel.width).toBeLessThanOrEqual(1280);
      expect(panel.y).toBeGreaterThanOrEqual(0);
      expect(panel.y + panel.height).toBeLessThanOrEqual(800);
      await close();
    });
  }

  const translations = { es: ES, fr: FR, de: DE, pt: PT, ar: AR, zh: ZH, ja: JA };
  const browserLocales: Record<keyof typeof translations, string> = {
    es: 'es-MX',
    fr: 'fr-CA',
    de: 'de-DE',
    pt: 'pt-BR',
    ar: 'ar-EG',
    zh: 'zh-CN',
    ja: 'ja-JP',
  };

  for (const [language, strings] of Object.entries(translations) as Array<[keyof typeof translations, typeof EN]>) {
    it(`speaks ${language} to a visitor whose browser is ${browserLocales[language]}, loading only that strings file, with the tenant's title kept`, async () => {
      const { page, chunks, close } = await open('/ltr.html', browserLocales[language]);
      expect((await uiText(page)).launcher).toBe(strings.openChat);
      await widgetLocators(page).launcher.click();
      await expect.poll(async () => (await uiText(page)).placeholder).toBe(strings.defaultPlaceholder);
      const ui = await uiText(page);
      expect(ui).toMatchObject({
        lang: language,
        direction: language === 'ar' ? 'rtl' : 'ltr',
        footer: strings.footer,
        title: 'Olive Store',
        greeting: strings.defaultGreeting,
        launcher: strings.closeChat,
      });
      expect(chunks).toEqual([`i18n-${language}`]);
      // Answers keep their own direction whatever the UI's.
      await page.keyboard.type('What are the opening hours?');
      await page.keyboard.press('Enter');
      await expect.poll(() => widgetLocators(page).answers.count()).toBe(1);
      await expect.poll(async () => (await lastAnswerLayout(page)).direction).toBe('ltr');
      await close();
    });
  }

  it("follows the site's locale setting over the browser's language", async () => {
    const { page, chunks, close } = await open('/french-site.html', 'de-DE');
    expect((await uiText(page)).launcher).toBe(FR.openChat);
    expect(chunks).toEqual(['i18n-fr']);
    await close();
  });

  it('speaks English to a visitor whose languages it does not have', async () => {
    const { page, chunks, close } = await open('/ltr.html', 'ko-KR');
    await widgetLocators(page).launcher.click();
    await expect.poll(async () => (await uiText(page)).placeholder).toBe(EN.defaultPlaceholder);
    expect(await uiText(page)).toMatchObject({ lang: 'en', greeting: EN.defaultGreeting });
    expect(chunks).toEqual([]);
    await close();
  });
});
