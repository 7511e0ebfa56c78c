// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { groupSources, mountPanel } from './panel';
import { EN } from './i18n/en';
import { normalizeWidgetConfig } from './theme';
import type { PanelController } from './types';

const SOURCES = [
  { documentId: 'd1', filename: 'returns.pdf', chunkIndex: 1, score: 0.9, snippet: 'Sixty days.', page: 4 },
  { documentId: 'd2', filename: 'faq.txt', chunkIndex: 0, score: 0.8, snippet: 'Ask us.' },
];

function sseBody(events: Array<[string, unknown]>): ReadableStream<Uint8Array> {
  const text = `: heartbeat\n\n${events.map(([event, data]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`).join('')}`;
  const bytes = new TextEncoder().encode(text);
  return new ReadableStream({
    start(controller) {
      // Two reads, split mid-event, as a network would.
      controller.enqueue(bytes.slice(0, 40));
      controller.enqueue(bytes.slice(40));
      controller.close();
    },
  });
}

function answerStream(text: string, grounded = true) {
  return {
    ok: true,
    status: 200,
    headers: new Headers({ 'content-type': 'text/event-stream' }),
    body: sseBody([
      ['meta', { sessionId: 'session-1', messageId: 'm1' }],
      ...text.split(/(?<= )/).map((token): [string, unknown] => ['token', { text: token }]),
      ['sources', { sources: SOURCES }],
      ['done', { usage: { model: 'x', tokensIn: 1, tokensOut: 2 }, grounded }],
    ]),
  };
}

interface Mounted {
  controller: PanelController;
  root: ShadowRoot;
  launcher: HTMLButtonElement;
  onClose: ReturnType<typeof vi.fn>;
}

function mount(
  config: unknown = { title: 'Acme help', greeting: 'Hello **there**', starterPrompts: ['Returns?', 'Shipping?'] },
): Mounted {
  const host = document.createElement('div');
  document.body.appendChild(host);
  const root = host.attachShadow({ mode: 'open' });
  const container = document.createElement('div');
  const launcher = document.createElement('button');
  container.appendChild(launcher);
  root.appendChild(container);
  const onClose = vi.fn();
  const controller = mountPanel({
    container,
    shadowRoot: root,
    launcher,
    config: normalizeWidgetConfig(config),
    strings: EN,
    locale: 'en',
    apiKey: 'pk_test_panel',
    apiBase: 'https://api.example.com',
    onClose,
  });
  return { controller, root, launcher, onClose };
}

function query<T extends Element>(root: ParentNode, selector: string): T {
  const found = root.querySelector<T>(selector);
  if (!found) throw new Error(`${selector} not found`);
  return found;
}

function press(target: HTMLElement, key: string, init: KeyboardEventInit = {}): KeyboardEvent {
  const event = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, composed: true, ...init });
  target.dispatchEvent(event);
  return event;
}

async function waitForAnswerDone(root: ShadowRoot): Promise<void> {
  await vi.waitFor(() => {
    expect(query(root, '[role="log"]').hasAttribute('aria-busy')).toBe(false);
    expect(root.querySelector('.msg.assistant:not(.greeting)')).not.toBeNull();
  });
}

describe('chat panel', () => {
  let fetchMock: ReturnType<typeof vi.fn>;

  beforeEach(() => {
    localStorage.clear();
    document.body.replaceChildren();
    fetchMock = vi.fn(async (_url: string, init: RequestInit) =>
      answerStream(`You asked ${JSON.parse(init.body as string).message}. Returns take **60 days** [1].`),
    );
    vi.stubGlobal('fetch', fetchMock);
  });

  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('shows the title, greeting and starter prompts in an accessible structure', () => {
    const { root } = mount();
    expect(query(root, '.title').textContent).toBe('Acme help');
    expect(query(root, '[role="dialog"]').getAttribute('aria-labelledby')).toBe('cc-title');
    const log = query(root, '[role="log"]');
    expect(log.getAttribute('aria-live')).toBe('polite');
    expect(query(root, '.greeting strong').textContent).toBe('there');
    expect([...root.querySelectorAll('.starter')].map((button) => button.textContent)).toEqual([
      'Returns?',
      'Shipping?',
    ]);
    expect(query(root, 'textarea').getAttribute('aria-label')).toBe('Message');
  });

  it('sends on Enter, keeps Shift+Enter for a new line, and streams the answer with its sources', async () => {
    const { root } = mount();
    const input = query<HTMLTextAreaElement>(root, 'textarea');
    input.value = 'line one';
    const shifted = press(input, 'Enter', { shiftKey: true });
    expect(shifted.defaultPrevented).toBe(false);
    expect(fetchMock).not.toHaveBeenCalled();

    input.value = 'How long for returns?';
    const enter = press(input, 'Enter');
    expect(enter.defaultPrevented).toBe(true);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(url).toBe('https://api.example.com/chat/stream');
    expect(JSON.parse(init.body as string)).toEqual({ message: 'How long for returns?' });
    expect(input.value).toBe('');
    expect(root.querySelector('.starters')).toBeNull();

    await waitForAnswerDone(root);
    const answer = query(root, '.msg.assistant:not(.greeting) .bubble');
    expect(answer.textContent).toContain('Returns take 60 days');
    expect(query(answer, 'strong').textContent).toBe('60 days');
    expect(query<HTMLElement>(answer, 'sup.cite').title).toBe('Source 1: returns.pdf, page 4');
    const chips = [...root.querySelectorAll('.source')].map((chip) => chip.textContent);
    expect(chips).toEqual(['1Source 1: returns.pdfp. 4', '2Source 2: faq.txt']);
    expect(query(root, '.msg.user .bubble').textContent).toBe('How long for returns?');
  });

  it('sends the session id with follow-up questions and restores the conversation after a reload', async () => {
    const first = mount();
    const input = query<HTMLTextAreaElement>(first.root, 'textarea');
    input.value = 'First question';
    press(input, 'Enter');
    await waitForAnswerDone(first.root);
    input.value = 'Second question';
    press(input, 'Enter');
    await vi.waitFor(() => expect(first.root.querySelectorAll('.msg.assistant:not(.greeting)')).toHaveLength(2));
    await waitForAnswerDone(first.root);
    expect(JSON.parse((fetchMock.mock.calls[1] as [string, RequestInit])[1].body as string)).toEqual({
      message: 'Second question',
      sessionId: 'session-1',
    });

    const reloaded = mount();
    const texts = [...reloaded.root.querySelectorAll('.msg:not(.greeting) .bubble')].map(
      (bubble) => bubble.textContent,
    );
    expect(texts).toHaveLength(4);
    expect(texts[0]).toBe('First question');
    expect(texts[3]).toContain('You asked Second question');
    expect(reloaded.root.querySelectorAll('.source')).toHaveLength(4);
    expect(reloaded.root.querySelector('.starters')).toBeNull();
  });

  it('starts a new conversation without the old session', async () => {
    const { root } = mount();
    query<HTMLButtonElement>(root, '.starter').click();
    await waitForAnswerDone(root);
    query<HTMLButtonElement>(root, 'button[aria-label="Start a new conversation"]').click();
    expect(root.querySelectorAll('.msg:not(.greeting)')).toHaveLength(0);
    expect(root.querySelector('.starters')).not.toBeNull();
    const input = query<HTMLTextAreaElement>(root, 'textarea');
    input.value = 'Fresh';
    press(input, 'Enter');
    expect(JSON.parse((fetchMock.mock.calls[1] as [string, RequestInit])[1].body as string)).toEqual({
      message: 'Fresh',
    });
    await waitForAnswerDone(root);
    expect(mount().root.querySelectorAll('.msg:not(.greeting)')).toHaveLength(2);
  });

  it('tells the visitor when to retry after a 429', async () => {
    fetchMock.mockResolvedValueOnce({
      ok: false,
      status: 429,
      headers: new Headers({ 'retry-after': '12' }),
      body: null,
      text: async () => '{}',
    });
    const { root } = mount();
    const input = query<HTMLTextAreaElement>(root, 'textarea');
    input.value = 'Hello?';
    press(input, 'Enter');
    await vi.waitFor(() =>
      expect(query(root, '.notice').textContent).toContain('Too many messages, try again in 12 seconds.'),
    );
    const retry = query<HTMLButtonElement>(root, '.retry');
    retry.click();
    await waitForAnswerDone(root);
    expect(root.querySelector('.notice')).toBeNull();
    expect(root.querySelectorAll('.msg.user')).toHaveLength(1);
  });

  it('closes on Escape and hands focus back to the launcher', () => {
    const { controller, root, launcher, onClose } = mount();
    controller.open();
    expect(query(root, '.panel').classList.contains('open')).toBe(true);
    press(query(root, 'textarea'), 'Escape');
    expect(controller.isOpen()).toBe(false);
    expect(query(root, '.panel').classList.contains('open')).toBe(false);
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(root.activeElement ?? document.activeElement).toBe(launcher);
  });

  it('applies live configuration changes', () => {
    const { controller, root } = mount();
    controller.applyConfig(
      normalizeWidgetConfig({
        title: 'Preview title',
        greeting: 'New greeting',
        placeholder: 'Ask away',
        starterPrompts: ['Only one'],
      }),
    );
    expect(query(root, '.title').textContent).toBe('Preview title');
    expect(query(root, '.greeting').textContent).toBe('New greeting');
    expect(query<HTMLTextAreaElement>(root, 'textarea').placeholder).toBe('Ask away');
    expect(root.querySelectorAll('.starter')).toHaveLength(1);
  });
});

describe('chat panel: settings, feedback and contact', () => {
  let fetchMock: ReturnType<typeof vi.fn>;
  const noContent = { ok: true, status: 204, headers: new Headers(), json: async () => null };

  beforeEach(() => {
    localStorage.clear();
    document.body.replaceChildren();
    fetchMock = vi.fn(async (url: string, init: RequestInit) => {
      if (url.endsWith('/chat/stream')) {
        const { message } = JSON.parse(init.body as string) as { message: string };
        return answerStream(
          message.includes('cars') ? 'I could not find that.' : 'Returns take **60 days** [1].',
          !message.includes('cars'),
        );
      }
      return { ...noContent, status: url.endsWith('/chat/contact') ? 202 : 204 };
    });
    vi.stubGlobal('fetch', fetchMock);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  async function ask(root: ShadowRoot, question: string): Promise<HTMLElement> {
    const input = query<HTMLTextAreaElement>(root, 'textarea');
    input.value = question;
    press(input, 'Enter');
    await vi.waitFor(() => expect(query(root, '[role="log"]').hasAttribute('aria-busy')).toBe(false));
    const answers = root.querySelectorAll<HTMLElement>('.msg.assistant:not(.greeting)');
    return answers[answers.length - 1];
  }

  it('hides sources and citation markers when showSources is off', async () => {
    const { root } = mount({ showSources: false });
    const answer = await ask(root, 'Returns?');
    expect(query(answer, '.bubble').textContent).toBe('Returns take 60 days.');
    expect(answer.querySelector('.sources, sup.cite')).toBeNull();
  });

  it("sends 👍 and 👎 with a comment for the answer's messageId and session", async () => {
    const { root } = mount();
    const answer = await ask(root, 'Returns?');
    const [up, down] = [...answer.querySelectorAll<HTMLButtonElement>('.rate')];
    expect([up.getAttribute('aria-label'), down.getAttribute('aria-label')]).toEqual([EN.helpful, EN.notHelpful]);
    up.click();
    await vi.waitFor(() => expect(up.getAttribute('aria-pressed')).toBe('true'));
    const feedbackCalls = () => fetchMock.mock.calls.filter(([url]) => String(url).endsWith('/chat/feedback'));
    expect(JSON.parse(feedbackCalls()[0][1].body as string)).toEqual({
      messageId: 'm1',
      sessionId: 'session-1',
      rating: 'up',
    });
    down.click();
    const comment = await vi.waitFor(() => query<HTMLTextAreaElement>(answer, '.feedback-comment textarea'));
    comment.value = 'Too vague';
    query<HTMLFormElement>(answer, '.feedback-comment').dispatchEvent(new Event('submit', { cancelable: true }));
    await vi.waitFor(() => expect(feedbackCalls()).toHaveLength(3));
    expect(JSON.parse(feedbackCalls()[2][1].body as string)).toEqual({
      messageId: 'm1',
      sessionId: 'session-1',
      rating: 'down',
      comment: 'Too vague',
    });
    expect(
      JSON.parse(localStorage.getItem(Object.keys(localStorage).find((key) => key.endsWith(':transcript'))!)!)
        .messages[1].rating,
    ).toBe('down');
  });

  it('offers a person only after a declined answer and only when the site enables it', async () => {
    const off = mount({ contactEnabled: false });
    expect(query(off.root, '.header').querySelectorAll('button:not([hidden])')).toHaveLength(2);
    expect((await ask(off.root, 'Do you sell cars?')).querySelector('.contact-offer')).toBeNull();
    document.body.replaceChildren();
    localStorage.clear();
    const on = mount({ contactEnabled: true });
    expect((await ask(on.root, 'Returns?')).querySelector('.contact-offer')).toBeNull();
    const declined = await ask(on.root, 'Do you sell cars?');
    query<HTMLButtonElement>(declined, '.contact-offer').click();
    const form = query<HTMLFormElement>(on.root, 'form.contact');
    const email = query<HTMLInputElement>(form, 'input[type=email]');
    email.value = 'nope';
    form.dispatchEvent(new Event('submit', { cancelable: true }));
    expect(query(form, '[role=alert]').textContent).toBe(EN.contactInvalidEmail);
    expect(fetchMock.mock.calls.some(([url]) => String(url).endsWith('/chat/contact'))).toBe(false);
    email.value = 'ana@example.com';
    form.dispatchEvent(new Event('submit', { cancelable: true }));
    await vi.waitFor(() => expect(on.root.querySelector('.contact-done')?.textContent).toBe(EN.contactSent));
    const call = fetchMock.mock.calls.find(([url]) => String(url).endsWith('/chat/contact'))!;
    expect(JSON.parse(call[1].body as string)).toEqual({ sessionId: 'session-1', email: 'ana@example.com' });
  });
});

describe('groupSources', () => {
  it('merges chunks of the same file and page under one chip with all their numbers', () => {
    const groups = groupSources([SOURCES[0], SOURCES[1], { ...SOURCES[0], chunkIndex: 2 }, { ...SOURCES[0], page: 5 }]);
    expect(groups.map((group) => [group.source.filename, group.source.page, group.numbers])).toEqual([
      ['returns.pdf', 4, [1, 3]],
      ['faq.txt', undefined, [2]],
      ['returns.pdf', 5, [4]],
    ]);
  });
});
