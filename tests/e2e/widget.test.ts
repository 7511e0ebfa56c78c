import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { askWidget, launchBrowser, widgetLocators } from '../../widget/e2e-harness';
import { startSampleSite } from '../../widget/dev/fake-backend';
import { buildWidget } from '../../widget/build';
import { startTestStack, type TestStack } from '../setup/stack';
import { createClientWithKey, signUpAdmin, waitForDocument } from '../factories';
import type { TestClient } from '../http';
import { corpusAvailable, CORPUS_DIR } from '../corpus';

const FACTS = [
  'Northwind Outfitters returns policy: unworn items can be returned within 45 days of delivery.',
  'The Oslo store is open from 10:00 to 16:00 on Saturdays.',
  'Express shipping to Norway costs 19 euros and takes two working days.',
].join('\n\n');

/** Any script that runs from a payload shows itself here: a dialog, or the page's tripwire flag. */
async function watchForExecution(page: Page) {
  const dialogs: string[] = [];
  page.on('dialog', async (dialog) => {
    dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  await page.addInitScript(() => {
    (window as unknown as { __xss: boolean }).__xss = false;
    for (const name of ['alert', 'confirm', 'prompt'] as const) {
      (window as unknown as Record<string, unknown>)[name] = () => {
        (window as unknown as { __xss: boolean }).__xss = true;
      };
    }
  });
  return { dialogs, fired: () => page.evaluate(() => (window as unknown as { __xss: boolean }).__xss) };
}

describe("the widget on a customer's site, in headless Chromium", () => {
  let stack: TestStack;
  let browser: Browser;
  let admin: TestClient;
  let apiKey: string;
  let clientId: string;
  const sites: Array<{ url: string; close(): Promise<void> }> = [];

  beforeAll(async () => {
    if (!existsSync(path.resolve(import.meta.dirname, '..', '..', 'widget', 'dist', 'widget.js'))) await buildWidget();
    stack = await startTestStack({
      database: 'pglite',
      redis: false,
      env: {
        RATE_LIMIT_FREE_PER_MINUTE: '100000',
        RATE_LIMIT_VISITOR_PER_MINUTE: '100000',
        RATE_LIMIT_IP_PER_MINUTE: '100000',
      },
    });
    ({ admin } = await signUpAdmin(stack.url));
    // The API answers on 127.0.0.1; the customer's site is on `localhost`, another origin.
    const created = await createClientWithKey(admin, { allowedDomains: ['localhost'] });
    apiKey = created.apiKey;
    clientId = created.client.id;
    await admin.put(`/api/dashboard/widget/${clientId}`, {
      title: 'Northwind help',
      greeting: 'Hi! Ask about orders.',
    });
    const upload = await admin.upload(clientId, 'policies.txt', FACTS);
    expect((await waitForDocument(admin, upload.data.document.id)).status).toBe('ready');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    for (const site of sites) await site.close();
    await stack?.close();
  });

  async function site(host = 'localhost', key = apiKey) {
    const running = await startSampleSite({ host, widgetOrigin: stack.url, apiKey: key });
    sites.push(running);
    return running.url.replace('127.0.0.1', host);
  }

  it('streams an answer with its source, and keeps the conversation across a refresh', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(await site());
    const widget = widgetLocators(page);
    await widget.launcher.waitFor({ state: 'visible' });
    expect(await widget.launcher.getAttribute('aria-label')).toMatch(/chat/i);
    const answer = await askWidget(page, 'How long do I have to return unworn items?');
    expect(answer).toMatch(/45 days/);
    await expect
      .poll(() => widget.sources.allInnerTexts())
      .toEqual(expect.arrayContaining([expect.stringContaining('policies.txt')]));
    await page.reload();
    await widget.launcher.click();
    await expect.poll(() => widget.log.innerText()).toMatch(/45 days/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('stays silent on a site outside allowedDomains', async () => {
    const page = await browser.newPage();
    const warnings: string[] = [];
    page.on('console', (message) => warnings.push(message.text()));
    // 127.0.0.2 is loopback too, but not an allowed domain of this site.
    await page.goto(await site('127.0.0.2'));
    await page.waitForTimeout(1500);
    expect(await widgetLocators(page).launcher.isVisible()).toBe(false);
    expect(warnings.join('\n')).toMatch(/ChatConnect/i);
    const direct = await page.evaluate(
      async ({ api, key }) => {
        try {
          const response = await fetch(`${api}/chat`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-api-key': key },
            body: JSON.stringify({ message: 'How long do I have to return items?' }),
          });
          return await response.text();
        } catch (error) {
          return `blocked: ${(error as Error).message}`;
        }
      },
      { api: stack.url, key: apiKey },
    );
    expect(direct).not.toMatch(/45 days/);
    await page.close();
  });

  it('fits a 375×667 phone and works with the keyboard alone', async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 667 } });
    const page = await context.newPage();
    await page.goto(await site());
    const widget = widgetLocators(page);
    await widget.launcher.waitFor({ state: 'visible' });
    await widget.launcher.focus();
    await page.keyboard.press('Enter');
    await widget.textbox.waitFor({ state: 'visible' });
    // Measured once the opening transition has settled.
    await page.waitForTimeout(600);
    const box = await widget.panel.boundingBox();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.y).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(375);
    expect(box!.y + box!.height).toBeLessThanOrEqual(667);
    await page.keyboard.type('When is the Oslo store open on Saturdays?');
    await page.keyboard.press('Enter');
    await expect.poll(() => widget.answers.last().innerText(), { timeout: 20_000 }).toMatch(/10:00/);
    await page.keyboard.press('Escape');
    await expect.poll(() => widget.textbox.isVisible()).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.tagName.toLowerCase())).toBe('chatconnect-widget');
    await context.close();
  });

  it.skipIf(!corpusAvailable)(
    'executes no XSS payload, whether planted in a document or sent as the question',
    async () => {
      const payloads = readFileSync(path.join(CORPUS_DIR, 'strings', 'payloadbox-xss-payload-list.txt'), 'utf8')
        .split('\n')
        .filter(Boolean);
      // Planted: every payload in one document, then questions that pull payload-laden chunks back.
      const upload = await admin.upload(
        clientId,
        'hostile.txt',
        payloads.map((payload, index) => `Entry ${index}: ${payload}`).join('\n'),
      );
      expect((await waitForDocument(admin, upload.data.document.id, 120_000)).status).toBe('ready');
      const page = await browser.newPage();
      const watch = await watchForExecution(page);
      await page.goto(await site());
      const planted = [
        'script alert document cookie',
        'img src onerror alert',
        'svg onload javascript',
        'iframe src javascript alert',
        'body onload',
        'a href javascript',
        'Entry 42',
        'Entry 4242',
      ];
      for (const question of planted) await askWidget(page, question);
      // Sent: an even sample across the whole list (every payload runs through the renderer in the unit suite).
      const step = Math.ceil(payloads.length / 120);
      for (let index = 0; index < payloads.length; index += step) {
        await widgetLocators(page)
          .newConversationButton.click()
          .catch(() => undefined);
        await askWidget(page, payloads[index].slice(0, 2000));
      }
      await page.waitForTimeout(500);
      expect(await watch.fired()).toBe(false);
      expect(watch.dialogs).toEqual([]);
      await page.close();
    },
    600_000,
  );
});
