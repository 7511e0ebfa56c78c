/**
 * The "closing the loop" part of the dashboard journey (dashboard/e2e/journey.ts): a visitor rates
 * an answer down, the owner finds it under Unanswered, writes the answer, and the widget preview
 * gives that answer next time. Also: the Feedback and Contacts views, and deleting a site by typing
 * its name.
 */
import { randomUUID } from 'node:crypto';
import type { Frame, Page } from 'playwright-core';

type Step = <T>(name: string, run: () => Promise<T>, options?: { critical?: boolean }) => Promise<T | undefined>;

const QUESTION = 'Do you rent kayaks?';
const WRITTEN = 'Yes: kayaks rent for 40 dollars a day at the Portland store.';

async function previewFrame(page: Page): Promise<Frame> {
  const frameElement = await page.waitForSelector('iframe.preview-iframe', { timeout: 20_000 });
  const frame = (await frameElement.contentFrame()) as Frame;
  await frame.waitForLoadState('load');
  return frame;
}

/** Asks in the widget preview of the widget page and waits for `expected` in the conversation log. */
async function askInPreview(page: Page, clientId: string, question: string, expected: RegExp) {
  await page.goto(`/sites/${clientId}/widget`);
  const frame = await previewFrame(page);
  const widget = frame.locator('chatconnect-widget');
  const textbox = widget.getByRole('textbox').first();
  if (!(await textbox.isVisible().catch(() => false)))
    await widget.getByRole('button', { name: /chat/i }).first().click();
  await textbox.waitFor({ timeout: 20_000 });
  await textbox.fill(question);
  await textbox.press('Enter');
  await widget.locator('[role="log"]').getByText(expected).first().waitFor({ timeout: 60_000 });
  return widget;
}

export async function runLoopSteps({
  page,
  step,
  shoot,
  clientId,
  liveKey,
}: {
  page: Page;
  step: Step;
  shoot: (page: Page, name: string, fullPage?: boolean) => Promise<void>;
  clientId: string;
  liveKey: string;
}) {
  await step('a visitor rates an answer down, and the owner sees the question under Unanswered', async () => {
    // The widget's own thumbs are used when it has them; otherwise the rating goes through the public API, as the widget would send it.
    let how = 'through the API';
    const widget = await askInPreview(page, clientId, QUESTION, /./).catch(() => null);
    const thumbsDown = widget?.getByRole('button', { name: /not helpful|thumbs? down|rate.*down/i }).last();
    // The rating buttons appear once the answer is complete.
    await thumbsDown?.waitFor({ timeout: 30_000 }).catch(() => undefined);
    if (thumbsDown && (await thumbsDown.isVisible().catch(() => false))) {
      await thumbsDown.click();
      how = "with the widget's thumbs-down button";
    } else {
      const sessionId = randomUUID();
      const answer = await page.request.post('/chat', {
        headers: { 'x-api-key': liveKey },
        data: { message: QUESTION, sessionId },
      });
      if (answer.status() !== 200) throw new Error(`POST /chat answered ${answer.status()}`);
      const { messageId } = await answer.json();
      const rated = await page.request.post('/chat/feedback', {
        headers: { 'x-api-key': liveKey },
        data: { messageId, sessionId, rating: 'down', comment: 'Not what I asked' },
      });
      if (rated.status() !== 204) throw new Error(`POST /chat/feedback answered ${rated.status()}`);
    }
    await page.goto(`/sites/${clientId}/unanswered`);
    const row = page.locator('.loop-row', { hasText: QUESTION });
    const deadline = Date.now() + 45_000;
    while (!(await row.count())) {
      if (Date.now() > deadline) throw new Error('the rated-down question never appeared under Unanswered');
      await page.waitForTimeout(1000);
      await page.reload();
    }
    await row
      .first()
      .getByText(/Rated down|Not in your documents/)
      .waitFor();
    await shoot(page, 'unanswered');
    return `rated ${how}`;
  });

  await step('"Write the answer" opens Q&A with the question filled in, and saves it', async () => {
    await page
      .locator('.loop-row', { hasText: QUESTION })
      .first()
      .getByRole('link', { name: 'Write the answer' })
      .click();
    await page.waitForURL(/\/answers\?question=/);
    const question = await page.getByLabel('Question visitors ask').inputValue();
    if (question !== QUESTION) throw new Error(`the question field held "${question}"`);
    await page.getByLabel('Your answer').fill(WRITTEN);
    await page.getByRole('button', { name: 'Save answer' }).click();
    await page.getByText('Saved. Visitors asking this question now get your answer.').waitFor();
    await page.locator('.loop-row', { hasText: WRITTEN }).waitFor();
    await shoot(page, 'written-answers');
  });

  await step('asked again in the widget preview, the question gets the written answer', async () => {
    const widget = await askInPreview(page, clientId, QUESTION, /kayaks rent for 40 dollars/);
    await widget
      .locator('[role="log"]')
      .getByText('Q&A')
      .first()
      .waitFor({ timeout: 10_000 })
      .catch(() => undefined);
  });

  await step('the Unanswered row now says it is answered; Feedback and Contacts show their views', async () => {
    await page.goto(`/sites/${clientId}/unanswered`);
    await page.locator('.loop-row', { hasText: QUESTION }).first().getByRole('link', { name: 'Answered' }).waitFor();
    await page.goto(`/sites/${clientId}/feedback?rating=down`);
    await page.locator('.loop-row[data-rating="down"]').first().waitFor({ timeout: 20_000 });
    await shoot(page, 'feedback');
    await page.goto(`/sites/${clientId}/contacts`);
    await page.getByRole('heading', { name: 'Webhook' }).waitFor();
    await page.getByText(/whsec_/).waitFor();
  });

  await step('a site is deleted only after typing its name, and leaves the list', async () => {
    await page.goto('/sites/new');
    await page.getByLabel('Site name').fill('Scratch site');
    await page.getByRole('button', { name: 'Create site' }).click();
    await page.getByRole('heading', { name: 'Scratch site is ready' }).waitFor();
    const href = await page.getByRole('link', { name: 'Go to the site overview' }).getAttribute('href');
    const scratchId = href!.split('/').pop()!;
    await page.goto(`/sites/${scratchId}/settings`);
    await page.getByRole('link', { name: 'Delete site…' }).click();
    await page.waitForURL(`**/sites/${scratchId}/delete`);
    const button = page.getByRole('button', { name: 'Delete this site' });
    if (!(await button.isDisabled())) throw new Error('the delete button was enabled before the name was typed');
    await page.getByLabel('Type Scratch site to confirm').fill('Scratch site');
    await button.click();
    await page.waitForURL(/\/sites(\?|$)/);
    if (await page.locator('.site-card', { hasText: 'Scratch site' }).count())
      throw new Error('the deleted site is still listed');
    const gone = await page.request.get(`/api/dashboard/clients/${scratchId}`);
    if (gone.status() !== 404) throw new Error(`the deleted site answered ${gone.status()}`);
  });
}
