/**
 * The panel's fixed parts: the header (avatar, title, buttons) and the composer (textbox, send/stop,
 * footer with the disclaimer or the length counter). Their labels follow the widget's language.
 */
import { element, icon } from './dom';
import { formatString, type UiStrings } from './i18n/en';
import type { WidgetConfig } from './types';

export const MAX_MESSAGE_LENGTH = 2000;
const COUNTER_THRESHOLD = 1800;

function label(button: HTMLButtonElement, text: string): void {
  button.title = text;
  button.setAttribute('aria-label', text);
}

export interface PanelHeader {
  root: HTMLElement;
  contactButton: HTMLButtonElement;
  newConversationButton: HTMLButtonElement;
  closeButton: HTMLButtonElement;
  applyStrings(strings: UiStrings): void;
  applyConfig(config: WidgetConfig): void;
}

/** The header: avatar (image or the title's initial), title (`#cc-title`, labels the dialog), subtitle, person / new conversation / close buttons. */
export function createHeader(doc: Document): PanelHeader {
  const avatar = element(doc, 'div', { className: 'avatar', attributes: { 'aria-hidden': 'true' } });
  // The tenant's title may be in another script than the widget's language: its own direction.
  const title = element(doc, 'h2', { className: 'title', id: 'cc-title', attributes: { dir: 'auto' } });
  const subtitle = element(doc, 'p', { className: 'subtitle' });
  const contactButton = element(doc, 'button', { className: 'icon-button', attributes: { type: 'button' } }, [
    icon(doc, 'person'),
  ]);
  const newConversationButton = element(doc, 'button', { className: 'icon-button', attributes: { type: 'button' } }, [
    icon(doc, 'newChat'),
  ]);
  const closeButton = element(doc, 'button', { className: 'icon-button', attributes: { type: 'button' } }, [
    icon(doc, 'chevronDown'),
  ]);
  const root = element(doc, 'div', { className: 'header' }, [
    avatar,
    element(doc, 'div', { className: 'heading-text' }, [title, subtitle]),
    contactButton,
    newConversationButton,
    closeButton,
  ]);
  return {
    root,
    contactButton,
    newConversationButton,
    closeButton,
    applyStrings(strings) {
      subtitle.textContent = strings.subtitle;
      label(contactButton, strings.talkToPerson);
      label(newConversationButton, strings.newConversation);
      label(closeButton, strings.closeChat);
    },
    applyConfig(config) {
      title.textContent = config.title;
      contactButton.hidden = !config.contactEnabled;
      avatar.replaceChildren(config.title.trim().charAt(0).toUpperCase() || '?');
      if (config.avatarUrl) {
        const image = element(doc, 'img', {
          attributes: { alt: '', referrerpolicy: 'no-referrer', decoding: 'async' },
        });
        // An avatar blocked by the site's img-src CSP or a dead link falls back to the initial.
        image.addEventListener('error', () => image.remove(), { once: true });
        image.src = config.avatarUrl;
        avatar.replaceChildren(image);
      }
    },
  };
}

export interface Composer {
  form: HTMLFormElement;
  input: HTMLTextAreaElement;
  sendButton: HTMLButtonElement;
  footer: HTMLElement;
  /** Send or stop, enabled state, the footer's disclaimer or counter. */
  update(streaming: boolean, strings: UiStrings): void;
  /** Grows the textbox with its text, up to 140 px. */
  autosize(): void;
}

/** The composer: a textarea of at most MAX_MESSAGE_LENGTH characters, the send/stop button and the footer. */
export function createComposer(doc: Document): Composer {
  // dir="auto": a visitor typing Arabic into an English widget sees it right to left.
  const input = element(doc, 'textarea', {
    className: 'input',
    id: 'cc-input',
    attributes: {
      rows: '1',
      maxlength: String(MAX_MESSAGE_LENGTH),
      enterkeyhint: 'send',
      autocomplete: 'off',
      dir: 'auto',
    },
  });
  const sendButton = element(doc, 'button', { className: 'send', attributes: { type: 'submit' } }, [icon(doc, 'send')]);
  const form = element(doc, 'form', { className: 'composer', attributes: { novalidate: '' } }, [input, sendButton]);
  const footer = element(doc, 'div', { className: 'footer' });
  let footerStrings: UiStrings | null = null;
  return {
    form,
    input,
    sendButton,
    footer,
    update(streaming, strings) {
      sendButton.replaceChildren(icon(doc, streaming ? 'stop' : 'send'));
      sendButton.setAttribute('aria-label', streaming ? strings.stop : strings.send);
      sendButton.type = streaming ? 'button' : 'submit';
      sendButton.disabled = !streaming && !input.value.trim();
      const length = input.value.length;
      if (length >= COUNTER_THRESHOLD) {
        footerStrings = null;
        footer.replaceChildren(
          element(doc, 'span', { className: `counter${length >= MAX_MESSAGE_LENGTH ? ' over' : ''}` }, [
            formatString(strings.counter, { count: length, max: MAX_MESSAGE_LENGTH }),
          ]),
        );
      } else if (footerStrings !== strings) {
        footerStrings = strings;
        footer.replaceChildren(element(doc, 'span', { className: 'disclaimer' }, [strings.footer]));
      }
    },
    autosize() {
      if (!input.value) {
        input.style.removeProperty('height');
        return;
      }
      input.style.height = 'auto';
      input.style.height = `${Math.min(input.scrollHeight + 2, 140)}px`;
    },
  };
}
