/**
 * The chat panel: header, conversation log, composer. Loaded on idle or first open as its own
 * content-hashed chunk; the loader passes the shadow root, theme and strings in a `PanelContext`.
 */
import { describeChatError, describeStreamError } from './chat-errors';
import { element } from './dom';
import { renderContactForm, renderContactOffer, renderFeedback, type FollowupContext } from './followups';
import { EN, type UiStrings } from './i18n/en';
import { localiseConfig } from './i18n/locale';
import { createComposer, createHeader, MAX_MESSAGE_LENGTH } from './panel-parts';
import { createPhoneLayout } from './modal';
import { renderMarkdown } from './render';
import { createMessageView, renderBubble, type MessageView } from './message-view';
import { renderSources } from './sources-view';
import { createConversationStore, type StoredMessage } from './storage';
import { ChatRequestError, streamChat } from './stream';
import { adoptStyles, panelCss } from './styles';
import { Typewriter } from './typewriter';
import type { ChatStreamEvent, PanelContext, PanelController, WidgetConfig } from './types';
import { newSessionId } from './visitor-api';

export { groupSources, pageUrl, sourceLabel } from './sources-view';

export { MAX_MESSAGE_LENGTH } from './panel-parts';
const NEAR_BOTTOM_PX = 48;

let idCounter = 0;
function newId(): string {
  idCounter += 1;
  return `m${Date.now().toString(36)}${idCounter.toString(36)}${Math.random().toString(36).slice(2, 6)}`;
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

  let strings: UiStrings = { ...EN, ...context.strings };
  let config = localiseConfig(context.config, strings);
  const store = createConversationStore(context.apiKey ?? 'preview', context.apiKey ? undefined : null);
  let messages: StoredMessage[] = store.loadTranscript();
  let sessionId = store.loadSessionId();
  let active: ActiveStream | null = null;
  let opened = false;
  const views = new Map<string, MessageView>();
  const reducedMotion = view.matchMedia?.('(prefers-reduced-motion: reduce)');

  const header = createHeader(doc);
  const { contactButton, newConversationButton, closeButton } = header;
  const log = element(doc, 'div', {
    className: 'log',
    attributes: { role: 'log', 'aria-live': 'polite', tabindex: '0' },
  });
  const composerParts = createComposer(doc);
  const { input, sendButton, footer, form: composer } = composerParts;

  const panel = element(
    doc,
    'div',
    {
      className: 'panel',
      id: 'cc-panel',
      attributes: { role: 'dialog', 'aria-labelledby': 'cc-title', 'aria-modal': 'false' },
    },
    [header.root, log, composer, footer],
  );
  container.appendChild(panel);
  const phoneLayout = createPhoneLayout(container, panel, shadowRoot.host as HTMLElement);
  launcher.setAttribute('aria-controls', 'cc-panel');

  const followups: FollowupContext = {
    doc,
    strings: () => strings,
    api: context.apiKey ? { apiBase: context.apiBase, apiKey: context.apiKey } : null,
    sessionId: () => {
      if (!sessionId) {
        sessionId = newSessionId();
        store.saveSessionId(sessionId);
      }
      return sessionId;
    },
    changed: () => persist(),
  };

  /** Labels in the widget's language; run again when the dashboard preview switches language. */
  function applyStrings(): void {
    header.applyStrings(strings);
    log.setAttribute('aria-label', strings.conversation);
    input.setAttribute('aria-label', strings.message);
    updateComposer();
  }

  function applyHeader(): void {
    header.applyConfig(config);
    input.placeholder = config.placeholder;
  }

  /** Opens the contact form at the end of the conversation (one at a time). */
  function openContactForm(): void {
    const existing = log.querySelector<HTMLElement>('form.contact');
    if (existing) {
      existing.querySelector<HTMLInputElement>('input')?.focus();
      return;
    }
    const form = renderContactForm(followups, () => {
      form.remove();
      input.focus();
    });
    log.appendChild(form);
    form.scrollIntoView?.({ block: 'nearest' });
  }

  function isNearBottom(): boolean {
    return log.scrollHeight - log.scrollTop - log.clientHeight < NEAR_BOTTOM_PX;
  }

  function scrollToBottom(): void {
    log.scrollTop = log.scrollHeight;
  }

  function renderExtras(message: StoredMessage, messageView: MessageView, streaming: boolean): void {
    const { extras } = messageView;
    extras.replaceChildren();
    if (config.showSources && message.sources?.length && !streaming)
      renderSources(doc, extras, message.sources, strings);
    if (message.status === 'error' && message.error) {
      const notice = element(doc, 'div', { className: 'notice' }, [element(doc, 'span', {}, [message.error])]);
      if (message === messages[messages.length - 1] && !active) {
        const retry = element(doc, 'button', { className: 'retry', attributes: { type: 'button' } }, [strings.retry]);
        retry.addEventListener('click', () => retryLast());
        notice.appendChild(retry);
      }
      extras.appendChild(notice);
    } else if (message.status === 'stopped') {
      extras.appendChild(element(doc, 'div', { className: 'notice muted' }, [strings.stopped]));
    }
    if (message.role !== 'assistant' || streaming || message.status !== 'complete') return;
    const feedback = renderFeedback(message, followups);
    if (feedback) extras.appendChild(feedback);
    // A declined answer (nothing relevant found, or small talk, which the event cannot tell apart) offers a person.
    if (message.grounded === false && config.contactEnabled)
      extras.appendChild(renderContactOffer(followups, openContactForm));
  }

  function renderMessage(message: StoredMessage, visibleText = message.text, streaming = false): void {
    const stick = isNearBottom();
    let messageView = views.get(message.id);
    if (!messageView) {
      messageView = createMessageView(doc, message, strings, config.title);
      views.set(message.id, messageView);
    }
    if (!messageView.root.isConnected) log.appendChild(messageView.root);
    renderBubble(messageView.bubble, message, visibleText, streaming, {
      doc,
      strings,
      showSources: config.showSources,
    });
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
    const group = element(doc, 'div', {
      className: 'starters',
      attributes: { role: 'group', 'aria-label': strings.suggested },
    });
    for (const prompt of config.starterPrompts) {
      const button = element(doc, 'button', { className: 'starter', attributes: { type: 'button', dir: 'auto' } }, [
        prompt,
      ]);
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
    composerParts.update(active !== null, strings);
  }

  function autosize(): void {
    composerParts.autosize();
  }

  function removeStarters(): void {
    log.querySelector('.starters')?.remove();
  }

  function handleEvent(stream: ActiveStream, event: ChatStreamEvent): void {
    const { message } = stream;
    switch (event.type) {
      case 'meta':
        if (event.messageId) message.messageId = event.messageId;
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
        if (event.grounded !== undefined) message.grounded = event.grounded;
        break;
      case 'error':
        message.status = 'error';
        message.error = describeStreamError(event.message, strings);
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
      answer.text = strings.previewAnswer;
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
        answer.error = describeChatError(error, strings);
        if (error instanceof ChatRequestError && (error.kind === 'unauthorized' || error.kind === 'forbidden')) {
          console.warn(
            `ChatConnect widget: the chat request was refused (HTTP ${error.status}); check the API key and the allowed domains.`,
          );
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
  contactButton.addEventListener('click', openContactForm);
  closeButton.addEventListener('click', () => controller.close());
  panel.addEventListener('keydown', (event) => {
    if (phoneLayout.keydown(event)) return;
    if (event.key !== 'Escape') return;
    event.stopPropagation();
    controller.close();
  });
  view.addEventListener('pagehide', () => {
    if (!active) return;
    const { message } = active;
    message.status = 'error';
    message.error = strings.interrupted;
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
      phoneLayout.sync(true);
      scrollToBottom();
      view.requestAnimationFrame(() => input.focus({ preventScroll: true }));
    },
    close() {
      if (!opened) return;
      opened = false;
      panel.classList.remove('open');
      phoneLayout.sync(false);
      context.onClose();
      launcher.focus();
    },
    applyConfig(next: WidgetConfig, nextStrings?: Partial<UiStrings>) {
      if (nextStrings) strings = { ...EN, ...nextStrings };
      config = localiseConfig(next, strings);
      applyStrings();
      applyHeader();
      if (!active) renderAll();
    },
    isOpen: () => opened,
    reattached() {
      // A new <body> (Turbo, pjax): its content is not inert yet, and focus was lost with the old one.
      if (!opened) return;
      phoneLayout.sync(true);
      // Modal (phone): focus belongs in the panel. Otherwise the visitor may be on the page: leave focus be.
      if (panel.getAttribute('aria-modal') === 'true' && !panel.contains(shadowRoot.activeElement))
        input.focus({ preventScroll: true });
    },
  };

  applyStrings();
  applyHeader();
  renderAll();
  return controller;
}
