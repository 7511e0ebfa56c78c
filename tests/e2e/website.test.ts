import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { startTestStack, type TestStack } from '../setup/stack';
import { freePort } from '../../temporal/dev-server';
import { createClientWithKey, signUpAdmin } from '../factories';
import { htmlPage, startTestSite, type TestSite } from '../fakes/test-site';

const root = path.resolve(import.meta.dirname, '..', '..');
const built = existsSync(path.join(root, 'build', 'server', 'index.js'));

describe.skipIf(!built)('the Website tab in headless Chromium', () => {
  let stack: TestStack;
  let site: TestSite;
  let browser: Browser;
  beforeAll(async () => {
    site = await startTestSite();
    site.pages.set('/robots.txt', {
      headers: { 'content-type': 'text/plain' },
      body: 'User-agent: *\nDisallow: /staff/\n',
    });
    site.pages.set('/', {
      body: htmlPage({
        title: 'Harbour Bakery',
        links: ['/opening-hours', '/staff/rota', '/menu.pdf'],
        body: '<p>Sourdough, rye and cinnamon buns baked every morning by the harbour.</p>',
      }),
    });
    site.pages.set('/opening-hours', {
      body: htmlPage({
        title: 'Opening hours',
        links: ['/'],
        body: '<p>We open at seven every day and close at four in the afternoon.</p>',
      }),
    });
    site.pages.set('/staff/rota', { body: htmlPage({ title: 'Rota', body: '<p>Internal.</p>' }) });
    site.pages.set('/menu.pdf', { headers: { 'content-type': 'application/pdf' }, body: '%PDF-1.4' });
    const port = await freePort();
    stack = await startTestStack({
      database: 'pglite',
      redis: false,
      dashboard: 'build',
      env: {
        PORT: String(port),
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        ALLOW_PRIVATE_URLS: 'true',
        CRAWL_DELAY_MS: '20',
      },
    });
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu'],
    });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await site?.close();
  });

  it("adds a site to crawl, shows live progress and each page's outcome with reasons, and deletes it", async () => {
    const owner = await signUpAdminWithClient(stack.url);
    const page = await browser.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    await page.goto(`${stack.url}/login`);
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: /log in|sign in/i }).click();
    await page.waitForURL('**/sites**');

    await page.goto(`${stack.url}/sites/${owner.clientId}/website`);
    await page.getByRole('link', { name: 'Website' }).waitFor();
    await page.getByText('No website yet').waitFor();
    await page.getByLabel('Address').fill(`${site.origin}/`);
    await page.getByLabel('What to read').selectOption('crawl');
    await page.getByRole('button', { name: 'Add website' }).click();

    const card = page.locator('[data-source-status]');
    await card.first().waitFor();
    await page.locator('[data-source-status="ready"]').waitFor({ timeout: 90_000 });
    await page.locator('[data-page-state="skipped"]', { hasText: 'robots.txt' }).waitFor();
    await page.locator('[data-page-state="skipped"]', { hasText: 'application/pdf' }).waitFor();
    await page.getByText('Opening hours').first().waitFor();
    // Pages finish indexing on their own while the page stays open.
    await page.waitForFunction(() => !document.body.innerText.includes('Indexing'), undefined, { timeout: 90_000 });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.screenshot({ path: path.join(tmpdir(), 'website-sources.png'), fullPage: true });
    expect(site.requested('/staff/rota')).toBe(0);
    // On a phone the page does not scroll sideways, long URLs included.
    await page.setViewportSize({ width: 375, height: 800 });
    await page.reload();
    await page.locator('[data-source-status="ready"]').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await page.setViewportSize({ width: 1280, height: 900 });

    await page
      .getByRole('button', { name: /^Delete/ })
      .first()
      .click();
    await page.getByRole('button', { name: 'Delete website' }).click();
    await page.getByText('No website yet').waitFor();
    expect(consoleErrors).toEqual([]);
    await page.close();
  }, 240_000);
});

/** An admin (password "correct horse battery", as the factory sets it) with one site. */
async function signUpAdminWithClient(baseUrl: string) {
  const { admin, email } = await signUpAdmin(baseUrl, 'Bea Baker');
  const { client } = await createClientWithKey(admin, { name: 'Harbour Bakery' });
  return { email, clientId: client.id };
}
