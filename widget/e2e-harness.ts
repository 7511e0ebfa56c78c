/**
 * Browser helpers for end-to-end tests of the widget: headless Debian Chromium through
 * playwright-core (no browser download), plus locators that reach into the widget's open shadow root.
 */
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

export const CHROMIUM_EXECUTABLE = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

export interface LaunchBrowserOptions {
  executablePath?: string;
  extraArgs?: string[];
}

export function launchBrowser(options: LaunchBrowserOptions = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: options.executablePath ?? CHROMIUM_EXECUTABLE,
    headless: true,
    args: [...CHROMIUM_ARGS, ...(options.extraArgs ?? [])],
  });
}

export interface WidgetLocators {
  host: Locator;
  launcher: Locator;
  panel: Locator;
  textbox: Locator;
  log: Locator;
  sendButton: Locator;
  stopButton: Locator;
  newConversationButton: Locator;
  closeButton: Locator;
  /** Answers (assistant messages) in the conversation, greeting excluded. */
  answers: Locator;
  sources: Locator;
}

/** Playwright's role and CSS locators pierce open shadow roots, so these work from the page. */
export function widgetLocators(page: Page): WidgetLocators {
  const host = page.locator('chatconnect-widget');
  return {
    host,
    launcher: host.locator('button.launcher'),
    panel: host.getByRole('dialog'),
    textbox: host.getByRole('textbox', { name: 'Message' }),
    log: host.getByRole('log'),
    sendButton: host.getByRole('button', { name: 'Send message' }),
    stopButton: host.getByRole('button', { name: 'Stop generating' }),
    newConversationButton: host.getByRole('button', { name: 'Start a new conversation' }),
    closeButton: host.locator('.header').getByRole('button', { name: 'Close chat' }),
    answers: host.locator('.msg.assistant:not(.greeting)'),
    sources: host.locator('.sources .source'),
  };
}

/** Opens the panel when closed, asks `question` with Enter and waits until the answer has finished streaming. */
export async function askWidget(page: Page, question: string, options: { timeoutMs?: number } = {}): Promise<string> {
  const widget = widgetLocators(page);
  // By role but not by name: the name is in the widget's language.
  const textbox = widget.host.locator('.composer').getByRole('textbox');
  const timeout = options.timeoutMs ?? 30_000;
  // On narrow screens the open panel covers the launcher, so only a closed widget needs the click.
  if (!(await textbox.isVisible())) {
    await widget.launcher.waitFor({ state: 'visible', timeout });
    await widget.launcher.click();
  }
  await textbox.waitFor({ state: 'visible', timeout });
  const answersBefore = await widget.answers.count();
  await textbox.fill(question);
  await textbox.press('Enter');
  await widget.answers.nth(answersBefore).waitFor({ state: 'attached', timeout });
  await page.waitForFunction(
    () => {
      const log = document.querySelector('chatconnect-widget')?.shadowRoot?.querySelector('[role="log"]');
      return Boolean(log) && !log!.hasAttribute('aria-busy');
    },
    undefined,
    { timeout },
  );
  return (await widget.answers.nth(answersBefore).locator('.bubble').innerText()).trim();
}
