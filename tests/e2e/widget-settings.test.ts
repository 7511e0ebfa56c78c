/**
 * Every setting of the dashboard's widget editor reaches the widget: the admin changes them in the
 * real editor (Chromium, signed in), saves, and a customer's page on another origin shows the
 * widget accordingly: sources hidden, the chosen language, the person offer, the title.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { askWidget, launchBrowser, widgetLocators } from '../../widget/e2e-harness';
import { startSampleSite } from '../../widget/dev/fake-backend';
import { buildWidget } from '../../widget/build';
import { STRINGS as FR } from '../../widget/src/i18n/fr';
import { startTestStack, type TestStack } from '../setup/stack';
import { freePort } from '../../temporal/dev-server';
import { createClientWithKey, signUpAdmin, waitForDocument } from '../factories';
import type { TestClient } from '../http';

const root = path.resolve(import.meta.dirname, '..', '..');
const dashboardBuilt = existsSync(path.join(root, 'build', 'server', 'index.js'));

describe.skipIf(!dashboardBuilt)('widget settings from the dashboard editor to the widget', () => {
  let stack: TestStack;
  let browser: Browser;
  let admin: TestClient;
  let apiKey: string;
  let clientId: string;
  const closers: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    if (!existsSync(path.join(root, 'widget', 'dist', 'widget.js'))) await buildWidget();
    const port = await freePort();
    stack = await startTestStack({
      database: 'pglite',
      redis: false,
      dashboard: 'build',
      env: {
        PORT: String(port),
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        RATE_LIMIT_FREE_PER_MINUTE: '100000',
        RATE_LIMIT_VISITOR_PER_MINUTE: '100000',
        RATE_LIMIT_IP_PER_MINUTE: '100000',
      },
    });
    ({ admin } = await signUpAdmin(stack.url));
    const created = await createClientWithKey(admin, { allowedDomains: ['localhost'] });
    apiKey = created.apiKey;
    clientId = created.client.id;
    const upload = await admin.upload(
      clientId,
      'returns.txt',
      'Olive Store returns policy: returns are accepted within 14 days with a receipt.',
    );
    expect((await waitForDocument(admin, upload.data.document.id)).status).toBe('ready');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    for (const close of closers) await close();
    await stack?.close();
  });

  it('saves sources off, French, the person offer and a title in the editor, and the widget on a site shows exactly that', async () => {
    const apiUrl = new URL(stack.url);
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      reducedMotion: 'reduce',
      locale: 'en-US',
    });
    // The admin's session, signed in through the API.
    const cookies = [...(admin['cookies'] as Map<string, string>)].map(([name, value]) => ({
      name,
      value,
      domain: apiUrl.hostname,
      path: '/',
    }));
    await context.addCookies(cookies);
    const editor = await context.newPage();
    await editor.goto(`${stack.url}/sites/${clientId}/widget`);
    await editor.getByLabel('Title').fill('Olive help');
    await editor.getByLabel('Show sources under answers').uncheck();
    await editor.getByLabel('Language of the widget').selectOption('fr');
    await editor.getByLabel(/Offer visitors a person/).check();
    await editor.getByRole('button', { name: 'Save widget' }).click();
    await editor.getByText('Widget saved.').waitFor({ state: 'visible', timeout: 30_000 });
    const saved = await admin.get(`/api/dashboard/widget/${clientId}`);
    expect(saved.data.widget).toMatchObject({
      title: 'Olive help',
      showSources: false,
      locale: 'fr',
      contactEnabled: true,
    });
    const served = await admin.get('/api/widget/config', { headers: { 'x-api-key': apiKey } });
    expect(served.data.widget).toMatchObject({
      title: 'Olive help',
      showSources: false,
      locale: 'fr',
      contactEnabled: true,
    });

    const site = await startSampleSite({ host: 'localhost', widgetOrigin: stack.url, apiKey });
    closers.push(site.close);
    const page = await context.newPage();
    await page.goto(site.url.replace('127.0.0.1', 'localhost'));
    const widget = widgetLocators(page);
    await widget.launcher.waitFor({ state: 'visible' });
    expect(await widget.launcher.getAttribute('aria-label')).toBe(FR.openChat);
    await widget.launcher.click();
    await widget.host.getByRole('textbox', { name: FR.message }).waitFor({ state: 'visible' });
    expect(await widget.host.locator('.title').innerText()).toBe('Olive help');
    expect(await widget.host.locator('.header').getByRole('button', { name: FR.talkToPerson }).isVisible()).toBe(true);
    await widget.host.getByRole('textbox', { name: FR.message }).fill('When are returns accepted?');
    await widget.host.getByRole('textbox', { name: FR.message }).press('Enter');
    await expect.poll(() => widget.answers.count()).toBe(1);
    await page.waitForFunction(
      () =>
        !document
          .querySelector('chatconnect-widget')
          ?.shadowRoot?.querySelector('[role="log"]')
          ?.hasAttribute('aria-busy'),
    );
    expect(await widget.answers.last().innerText()).toMatch(/14 days/);
    expect(await widget.host.locator('.sources, sup.cite').count()).toBe(0);

    // Turned back on, sources show again (the switch is not decoration).
    await admin.put(`/api/dashboard/widget/${clientId}`, { showSources: true, locale: 'auto' });
    const fresh = await browser.newContext({ reducedMotion: 'reduce', locale: 'en-US' });
    const again = await fresh.newPage();
    await again.goto(site.url.replace('127.0.0.1', 'localhost'));
    await askWidget(again, 'When are returns accepted?');
    await expect.poll(() => widgetLocators(again).sources.count(), { timeout: 30_000 }).toBeGreaterThan(0);
    await fresh.close();
    await context.close();
  });
});
