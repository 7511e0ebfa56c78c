import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDashboardJourney } from '../../dashboard/e2e/journey';
import { startTestStack, type TestStack } from '../setup/stack';
import { freePort } from '../../temporal/dev-server';
import { signUpAdmin, createClientWithKey } from '../factories';
import { TestClient } from '../http';

const root = path.resolve(import.meta.dirname, '..', '..');
const built =
  existsSync(path.join(root, 'build', 'server', 'index.js')) &&
  existsSync(path.join(root, 'widget', 'dist', 'widget.js'));

describe.skipIf(!built)("the dashboard, a tenant admin's first visit in headless Chromium", () => {
  let stack: TestStack;
  beforeAll(async () => {
    const port = await freePort();
    stack = await startTestStack({
      database: 'pglite',
      redis: false,
      dashboard: 'build',
      env: { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, TEMPORAL_UI_PUBLIC: 'true' },
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('signs up, adds a site, ingests with live progress, previews the widget, reads the conversation, closes the loop (rated down → Unanswered → written answer → answered in the preview) and usage', async () => {
    const result = await runDashboardJourney(stack.url, {
      screenshotDir: mkdtempSync(path.join(tmpdir(), 'journey-')),
    });
    const failed = result.steps.filter((step) => !step.ok);
    expect(failed, JSON.stringify(failed, null, 2)).toEqual([]);
    expect(result.failure).toBeNull();
    expect(result.consoleErrors).toEqual([]);
    expect(result.progressTimeline.length).toBeGreaterThan(1);
    // The visitor's rating goes through the widget's own thumbs-down button.
    expect(result.steps.find((step) => step.name.startsWith('a visitor rates an answer down'))?.detail).toContain(
      "widget's thumbs-down",
    );
    for (const [page, width] of Object.entries(result.mobileWidths)) expect(width, page).toBeLessThanOrEqual(375);
  }, 300_000);

  it("shows another admin none of the first admin's sites, through the UI", async () => {
    const { admin } = await signUpAdmin(stack.url);
    const { client } = await createClientWithKey(admin);
    const { admin: other } = await signUpAdmin(stack.url, 'Other');
    for (const page of [
      '',
      '/documents',
      '/widget',
      '/conversations',
      '/usage',
      '/settings',
      '/unanswered',
      '/answers',
      '/feedback',
      '/contacts',
      '/delete',
    ]) {
      const response = await other.get(`/sites/${client.id}${page}`);
      expect(response.status, page).toBe(404);
      expect(response.text).not.toContain(client.id.slice(0, 8) + '-never');
    }
    expect((await new TestClient(stack.url).get('/')).status).toBe(200);
  });
});
