/**
 * The chat panel: header, conversation log, composer. Loaded on idle or first open as its own
 * content-hashed chunk; the loader passes the shadow root and theme in a `PanelContext`.
 */
import { describeChatError, describeStreamError } from './chat-errors';
import { element, icon } from './dom';
import { renderMarkdown } from './render';
import { createConversationStore, type StoredMessage } from './storage';
import { ChatRequestError, streamChat } from './stream';
import { adoptStyles, panelCss } from './styles';
import { Typewriter } from './typewriter';
import type { ChatSource, ChatStreamEvent, PanelContext, PanelController, WidgetConfig } from './types';

export const MAX_MESSAGE_LENGTH = 2000;
const COUNTER_THRESHOLD = 1800;
/** While streaming, `[n]` up to this becomes a superscript before the sources event arrives. */
const PROVISIONAL_CITATION_LIMIT = 20;
const NEAR_BOTTOM_PX = 48;
const PREVIEW_ANSWER = 'This is a preview of your widget. Visitors get real answers once it runs on your site with your API key.';

let idCounter = 0;
function newId(): string {
  idCounter += 1;
  return `m${Date.now().toString(36)}${idCounter.toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

interface SourceGroup {
  numbers: number[];
  source: ChatSource;
}

/** One chip per file and page; the chip lists every citation number that points at it. */
export function groupSources(sources: readonly ChatSource[]): SourceGroup[] {
  const groups = new Map<string, SourceGroup>();
  sources.forEach((source, index) => {
    const key = `${source.documentId || source.filename}\u0000${source.page ?? ''}`;
    const group = groups.get(key);
    if (group) group.numbers.push(index + 1);
    else groups.set(key, { numbers: [index + 1], source });
  });
  return [...groups.values()];
}

export function sourceLabel(source: ChatSource): string {
  const name = source.title || source.filename;
  return source.page ? `${name}, page ${source.page}` : name;
}

/** A web page source links to its page; only http(s) URLs become links. */
export const pageUrl = (source: ChatSource) => (source.url && /^https?:\/\//i.test(source.url) ? source.url : null);

interface MessageView {
  root: HTMLElement;
  bubble: HTMLElement;
  extras: HTMLElement;
}

interface ActiveStream {
  abort: AbortController;
  message: StoredMessage;
  typewriter: Typewriter;
}

export function mountPanel(context: PanelContext): PanelController {
  const { container, shadowRoot, launcher } = context;
  const doc = container.ownerDocument;
  const view = doc.defaultView ?? window;
  adoptStyles(shadowRoot, panelCss);

  let config = context.config;
  const store = createConversationStore(context.apiKey ?? 'preview', context.apiKey ? undefined : null);
  let messages: StoredMessage[] = store.loadTranscript();
  let sessionId = store.loadSessionId();
  let active: ActiveStream | null = null;
  let opened = false;
  const views = new Map<string, MessageView>();
  const reducedMotion = view.matchMedia?.('(prefers-reduced-motion: reduce)');

  // Header
  const avatar = element(doc, 'div', { className: 'avatar', attributes: { 'aria-hidden': 'true' } });
  const title = element(doc, 'h2', { className: 'title', id: 'cc-title' });
  const newConversationButton = element(doc, 'button', { className: 'icon-button', title: 'New conversation', attributes: { type: 'button', 'aria-label': 'Start a new conversation' } }, [icon(doc, 'newChat')]);
  const closeButton = element(doc, 'button', { className: 'icon-button', title: 'Close', attributes: { type: 'button', 'aria-label': 'Close chat' } }, [icon(doc, 'chevronDown')]);
  const header = element(doc, 'div', { className: 'header' }, [
    avatar,
    element(doc, 'div', { className: 'heading-text' }, [title, element(doc, 'p', { className: 'subtitle' }, ['AI assistant'])]),
    newConversationButton,
    closeButton,
  ]);

  // Conversation
  const log = element(doc, 'div', { className: 'log', attributes: { role: 'log', 'aria-live': 'polite', 'aria-label': 'Conversation', tabindex: '0' } });

  // Composer
  const input = element(doc, 'textarea', { className: 'input', id: 'cc-input', attributes: { rows: '1', maxlength: String(MAX_MESSAGE_LENGTH), 'aria-label': 'Message', enterkeyhint: 'send', autocomplete: 'off' } });
  const sendButton = element(doc, 'button', { className: 'send', attributes: { type: 'submit', 'aria-label': 'Send message' } }, [icon(doc, 'send')]);
  const composer = element(doc, 'form', { className: 'composer', attributes: { novalidate: '' } }, [input, sendButton]);
  const footer = element(doc, 'div', { className: 'footer' });

  const panel = element(doc, 'div', { className: 'panel', id: 'cc-panel', attributes: { role: 'dialog', 'aria-labelledby': 'cc-title', 'aria-modal': 'false' } }, [header, log, composer, footer]);
  container.appendChild(panel);
  launcher.setAttribute('aria-controls', 'cc-panel');

  function applyHeader(): void {
    title.textContent = config.title;
    input.placeholder = config.placeholder;
    avatar.replaceChildren(config.title.trim().charAt(0).toUpperCase() || '?');
    if (config.avatarUrl) {
      const image = element(doc, 'img', { attributes: { alt: '', referrerpolicy: 'no-referrer', decoding: 'async' } });
      // An avatar blocked by the site's img-src CSP or a dead link falls back to the initial.
      image.addEventListener('error', () => image.remove(), { once: true });
      image.src = config.avatarUrl;
      avatar.replaceChildren(image);
    }
  }

  function isNearBottom(): boolean {
    return log.scrollHeight - log.scrollTop - log.clientHeight < NEAR_BOTTOM_PX;
  }

  function scrollToBottom(): void {
    log.scrollTop = log.scrollHeight;
  }

  function citationTitles(message: StoredMessage): string[] {
    return (message.sources ?? []).map(sourceLabel);
  }

  function renderSources(target: HTMLElement, sources: readonly ChatSource[]): void {
    if (!sources.length) return;
    const list = element(doc, 'ul', { className: 'sources' });
    for (const group of groupSources(sources)) {
      const chip = element(doc, 'li', { className: 'source', title: group.source.snippet.slice(0, 300) }, [
        element(doc, 'span', { className: 'source-number', attributes: { 'aria-hidden': 'true' } }, [group.numbers.join(', ')]),
        element(doc, 'span', { className: 'sr-only' }, [`Source ${group.numbers.join(', ')}: `]),
        pageUrl(group.source)
          ? element(doc, 'a', { className: 'source-name', attributes: { href: pageUrl(group.source)!, target: '_blank', rel: 'noopener noreferrer' } }, [group.source.title || group.source.filename])
          : element(doc, 'span', { className: 'source-name' }, [group.source.filename]),
        group.source.page ? element(doc, 'span', { className: 'source-page' }, [`p. ${group.source.page}`]) : null,
      ]);
      list.appendChild(chip);
    }
    target.append(element(doc, 'p', { className: 'sources-label' }, ['Sources']), list);
  }

  function renderExtras(message: StoredMessage, messageView: MessageView, streaming: boolean): void {
    const { extras } = messageView;
    extras.replaceChildren();
    if (message.sources?.length && !streaming) renderSources(extras, message.sources);
    if (message.status === 'error' && message.error) {
      const notice = element(doc, 'div', { className: 'notice' }, [element(doc, 'span', {}, [message.error])]);
      if (message === messages[messages.length - 1] && !active) {
        const retry = element(doc, 'button', { className: 'retry', attributes: { type: 'button' } }, ['Try again']);
        retry.addEventListener('click', () => retryLast());
        notice.appendChild(retry);
      }
      extras.appendChild(notice);
    } else if (message.status === 'stopped') {
      extras.appendChild(element(doc, 'div', { className: 'notice muted' }, ['Stopped']));
    }
  }

  function renderBubble(message: StoredMessage, messageView: MessageView, visibleText: string, streaming: boolean): void {
    const { bubble } = messageView;
    if (message.role === 'user') {
      bubble.textContent = message.text;
      return;
    }
    if (streaming && !visibleText) {
      bubble.hidden = false;
      bubble.replaceChildren(element(doc, 'span', { className: 'typing', attributes: { role: 'img', 'aria-label': 'Assistant is typing' } }, [element(doc, 'span'), element(doc, 'span'), element(doc, 'span')]));
      return;
    }
    bubble.hidden = !visibleText;
    const sources = message.sources ?? [];
    const fragment = renderMarkdown(visibleText, {
      maxCitation: sources.length || (streaming ? PROVISIONAL_CITATION_LIMIT : 0),
      citationTitles: citationTitles(message),
      document: doc,
    });
    bubble.replaceChildren(fragment);
    if (streaming) {
      const lastBlock = bubble.querySelector('li:last-child, p:last-child, pre:last-child code') ?? bubble.lastElementChild;
      (lastBlock ?? bubble).appendChild(element(doc, 'span', { className: 'cursor', attributes: { 'aria-hidden': 'true' } }));
    }
  }

  function createMessageView(message: StoredMessage): MessageView {
    const bubble = element(doc, 'div', { className: 'bubble', attributes: { dir: 'auto' } });
    const extras = element(doc, 'div', { className: 'extras' });
    const root = element(doc, 'div', { className: `msg ${message.role}` }, [
      element(doc, 'span', { className: 'sr-only' }, [message.role === 'user' ? 'You said: ' : `${config.title} said: `]),
      bubble,
      extras,
    ]);
    const messageView = { root, bubble, extras };
    views.set(message.id, messageView);
    return messageView;
  }

  function renderMessage(message: StoredMessage, visibleText = message.text, streaming = false): void {
    const stick = isNearBottom();
    const messageView = views.get(message.id) ?? createMessageView(message);
    if (!messageView.root.isConnected) log.appendChild(messageView.root);
    renderBubble(message, messageView, visibleText, streaming);
    renderExtras(message, messageView, streaming);
    if (stick) scrollToBottom();
  }

  function renderGreeting(): HTMLElement {
    const bubble = element(doc, 'div', { className: 'bubble', attributes: { dir: 'auto' } });
    bubble.appendChild(renderMarkdown(config.greeting, { document: doc }));
    return element(doc, 'div', { className: 'msg assistant greeting' }, [bubble]);
  }

  function renderStarters(): HTMLElement | null {
    if (messages.length || !config.starterPrompts.length) return null;
    const group = element(doc, 'div', { className: 'starters', attributes: { role: 'group', 'aria-label': 'Suggested questions' } });
    for (const prompt of config.starterPrompts) {
      const button = element(doc, 'button', { className: 'starter', attributes: { type: 'button' } }, [prompt]);
      button.addEventListener('click', () => void send(prompt));
      group.appendChild(button);
    }
    return group;
  }

  function renderAll(): void {
    views.clear();
    log.replaceChildren(renderGreeting());
    const starters = renderStarters();
    if (starters) log.appendChild(starters);
    for (const message of messages) renderMessage(message);
    scrollToBottom();
  }

  function persist(): void {
    store.saveTranscript(messages.filter((message) => message.text || message.status === 'error'));
  }

  function updateComposer(): void {
    const streaming = active !== null;
    sendButton.replaceChildren(icon(doc, streaming ? 'stop' : 'send'));
    sendButton.setAttribute('aria-label', streaming ? 'Stop generating' : 'Send message');
    sendButton.type = streaming ? 'button' : 'submit';
    sendButton.disabled = !streaming && !input.value.trim();
    const length = input.value.length;
    if (length >= COUNTER_THRESHOLD) {
      footer.replaceChildren(element(doc, 'span', { className: `counter${length >= MAX_MESSAGE_LENGTH ? ' over' : ''}` }, [`${length} / ${MAX_MESSAGE_LENGTH} characters`]));
    } else if (footer.firstChild?.nodeType !== Node.TEXT_NODE) {
      footer.replaceChildren('AI-generated answers can be inaccurate.');
    }
  }

  function autosize(): void {
    if (!input.value) {
      input.style.removeProperty('height');
      return;
    }
    input.style.height = 'auto';
    input.style.height = `${Math.min(input.scrollHeight + 2, 140)}px`;
  }

  function removeStarters(): void {
    log.querySelector('.starters')?.remove();
  }

  function handleEvent(stream: ActiveStream, event: ChatStreamEvent): void {
    const { message } = stream;
    switch (event.type) {
      case 'meta':
        if (event.sessionId && event.sessionId !== sessionId) {
          sessionId = event.sessionId;
          store.saveSessionId(sessionId);
        }
        break;
      case 'token':
        message.text += event.text;
        stream.typewriter.update(message.text);
        break;
      case 'sources':
        message.sources = event.sources;
        break;
      case 'done':
        message.status = 'complete';
        break;
      case 'error':
        message.status = 'error';
        message.error = describeStreamError(event.message);
        break;
    }
  }

  async function send(rawText: string): Promise<void> {
    const text = rawText.trim();
    if (!text || active) return;
    if (text.length > MAX_MESSAGE_LENGTH) return;
    removeStarters();
    // Only the newest failed answer offers a retry.
    for (const retry of log.querySelectorAll('.retry')) retry.remove();
    input.value = '';
    autosize();
    const question: StoredMessage = { id: newId(), role: 'user', text };
    const answer: StoredMessage = { id: newId(), role: 'assistant', text: '' };
    messages.push(question, answer);
    renderMessage(question);
    scrollToBottom();

    if (!context.apiKey) {
      answer.text = PREVIEW_ANSWER;
      answer.status = 'complete';
      renderMessage(answer);
      scrollToBottom();
      updateComposer();
      return;
    }

    const typewriter = new Typewriter({
      render: (visible) => renderMessage(answer, visible, active?.message === answer),
      reducedMotion: () => reducedMotion?.matches ?? false,
    });
    const stream: ActiveStream = { abort: new AbortController(), message: answer, typewriter };
    active = stream;
    renderMessage(answer, '', true);
    scrollToBottom();
    log.setAttribute('aria-busy', 'true');
    updateComposer();
    persist();

    try {
      await streamChat({
        apiBase: context.apiBase,
        apiKey: context.apiKey,
        message: text,
        sessionId,
        signal: stream.abort.signal,
        onEvent: (event) => handleEvent(stream, event),
      });
      if (!answer.status) answer.status = 'complete';
    } catch (error) {
      if (stream.abort.signal.aborted) {
        answer.status = 'stopped';
      } else {
        answer.status = 'error';
        answer.error = describeChatError(error);
        if (error instanceof ChatRequestError && (error.kind === 'unauthorized' || error.kind === 'forbidden')) {
          console.warn(`ChatConnect widget: the chat request was refused (HTTP ${error.status}); check the API key and the allowed domains.`);
        }
      }
    } finally {
      if (active === stream) active = null;
      log.removeAttribute('aria-busy');
      typewriter.finish();
      renderMessage(answer);
      updateComposer();
      persist();
    }
  }

  function retryLast(): void {
    const failed = messages[messages.length - 1];
    const question = messages[messages.length - 2];
    if (!failed || failed.role !== 'assistant' || !question || question.role !== 'user' || active) return;
    messages = messages.slice(0, -2);
    views.get(failed.id)?.root.remove();
    views.get(question.id)?.root.remove();
    persist();
    void send(question.text);
  }

  function stop(): void {
    active?.abort.abort();
  }

  function startNewConversation(): void {
    stop();
    active = null;
    messages = [];
    sessionId = null;
    store.clear();
    renderAll();
    updateComposer();
    input.focus();
  }

  // Mobile: size the full-screen panel to the visual viewport so the on-screen keyboard never covers the composer.
  const visualViewport = view.visualViewport;
  function fitToViewport(): void {
    if (!visualViewport) return;
    container.style.setProperty('--cc-viewport-height', `${visualViewport.height}px`);
    container.style.setProperty('--cc-viewport-top', `${visualViewport.offsetTop}px`);
    container.classList.toggle('keyboard', visualViewport.height < view.innerHeight * 0.75);
  }

  input.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    void send(input.value);
  });
  input.addEventListener('input', () => {
    autosize();
    updateComposer();
  });
  composer.addEventListener('submit', (event) => {
    event.preventDefault();
    void send(input.value);
  });
  sendButton.addEventListener('click', (event) => {
    if (!active) return;
    event.preventDefault();
    stop();
    input.focus();
  });
  newConversationButton.addEventListener('click', startNewConversation);
  closeButton.addEventListener('click', () => controller.close());
  panel.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return;
    event.stopPropagation();
    controller.close();
  });
  view.addEventListener('pagehide', () => {
    if (!active) return;
    const { message } = active;
    message.status = 'error';
    message.error = 'The answer was interrupted when the page changed.';
    persist();
  });
  // Another tab of the same site continued the conversation: show it here too.
  view.addEventListener('storage', (event) => {
    if (active || !store.ownsKey(event.key)) return;
    messages = store.loadTranscript();
    sessionId = store.loadSessionId();
    renderAll();
  });

  const controller: PanelController = {
    open() {
      if (opened) return;
      opened = true;
      panel.classList.add('open');
      if (visualViewport) {
        fitToViewport();
        visualViewport.addEventListener('resize', fitToViewport);
        visualViewport.addEventListener('scroll', fitToViewport);
      }
      scrollToBottom();
      view.requestAnimationFrame(() => input.focus({ preventScroll: true }));
    },
    close() {
      if (!opened) return;
      opened = false;
      panel.classList.remove('open');
      visualViewport?.removeEventListener('resize', fitToViewport);
      visualViewport?.removeEventListener('scroll', fitToViewport);
      context.onClose();
      launcher.focus();
    },
    applyConfig(next: WidgetConfig) {
      config = next;
      applyHeader();
      if (!active) renderAll();
    },
    isOpen: () => opened,
  };

  applyHeader();
  renderAll();
  updateComposer();
  return controller;
}
