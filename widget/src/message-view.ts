/** One message's bubble: the visitor's text as typed, or an answer rendered from markdown. */
import { element } from './dom';
import { formatString, type UiStrings } from './i18n/en';
import { renderMarkdown } from './render';
import { sourceLabel, stripCitations } from './sources-view';
import type { StoredMessage } from './storage';

/** While streaming, `[n]` up to this becomes a superscript before the sources event arrives. */
const PROVISIONAL_CITATION_LIMIT = 20;

export interface BubbleOptions {
  doc: Document;
  strings: UiStrings;
  /** The site's "show sources" setting: without it, citation markers are removed from the text. */
  showSources: boolean;
}

/**
 * Fills `bubble` for `message`, showing `visibleText` (the typewriter's progress). Bubbles carry
 * `dir="auto"`, so each takes the direction of its own text and `text-align: start` follows it.
 */
export function renderBubble(
  bubble: HTMLElement,
  message: StoredMessage,
  visibleText: string,
  streaming: boolean,
  options: BubbleOptions,
): void {
  const { doc, strings } = options;
  if (message.role === 'user') {
    bubble.textContent = message.text;
    return;
  }
  if (streaming && !visibleText) {
    bubble.hidden = false;
    bubble.replaceChildren(
      element(doc, 'span', { className: 'typing', attributes: { role: 'img', 'aria-label': strings.typing } }, [
        element(doc, 'span'),
        element(doc, 'span'),
        element(doc, 'span'),
      ]),
    );
    return;
  }
  bubble.hidden = !visibleText;
  const sources = message.sources ?? [];
  const fragment = renderMarkdown(options.showSources ? visibleText : stripCitations(visibleText), {
    maxCitation: options.showSources ? sources.length || (streaming ? PROVISIONAL_CITATION_LIMIT : 0) : 0,
    citationTitles: sources.map((source) => sourceLabel(source, strings)),
    citationTitle: (n, label) =>
      formatString(label ? strings.sourceTitle : strings.sourceNumber.replace(/[:：]\s*$/, ''), {
        n,
        title: label ?? '',
      }),
    document: doc,
  });
  bubble.replaceChildren(fragment);
  if (streaming) {
    const lastBlock =
      bubble.querySelector('li:last-child, p:last-child, pre:last-child code') ?? bubble.lastElementChild;
    (lastBlock ?? bubble).appendChild(
      element(doc, 'span', { className: 'cursor', attributes: { 'aria-hidden': 'true' } }),
    );
  }
}

export interface MessageView {
  root: HTMLElement;
  bubble: HTMLElement;
  extras: HTMLElement;
}

/** The message's row: a screen-reader prefix ("You said:"), the bubble and a place for sources and actions. */
export function createMessageView(
  doc: Document,
  message: StoredMessage,
  strings: UiStrings,
  title: string,
): MessageView {
  const bubble = element(doc, 'div', { className: 'bubble', attributes: { dir: 'auto' } });
  const extras = element(doc, 'div', { className: 'extras' });
  const prefix = message.role === 'user' ? strings.youSaid : formatString(strings.assistantSaid, { title });
  const root = element(doc, 'div', { className: `msg ${message.role}` }, [
    element(doc, 'span', { className: 'sr-only' }, [`${prefix} `]),
    bubble,
    extras,
  ]);
  return { root, bubble, extras };
}
