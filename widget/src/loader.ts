/**
 * The embed entry (`/widget.js`, a classic async script): finds its own <script> tag, defines
 * <chatconnect-widget>, loads the tenant's configuration and shows the launcher. The panel code
 * is a separate content-hashed file loaded on idle or first open.
 */
import { ChatConnectWidget, ELEMENT_NAME, type WidgetSettings } from './element';

/** Set by widget/build.ts: the panel chunk's path relative to this script, e.g. `widget/panel-3kq9x2.js`. */
declare const __CHATCONNECT_PANEL_PATH__: string;
/** Set by widget/build.ts: each language's strings file relative to this script, e.g. `{"es": "widget/i18n-es-9f2k1x.js"}`. */
declare const __CHATCONNECT_LOCALE_PATHS__: Record<string, string>;

// Must be read synchronously: `currentScript` is null once this script yields.
const ownScript =
  (document.currentScript as HTMLScriptElement | null) ??
  document.querySelector<HTMLScriptElement>('script[data-api-key][src*="widget"], script[data-preview][src*="widget"]');

function parseOverrides(raw: string | undefined): unknown {
  if (!raw) return null;
  try {
    return JSON.parse(raw);
  } catch {
    console.warn('ChatConnect widget: data-config is not valid JSON and was ignored.');
    return null;
  }
}

function settingsFrom(script: HTMLScriptElement): WidgetSettings | null {
  const apiKey = script.dataset.apiKey?.trim() || null;
  const preview = script.dataset.preview !== undefined;
  if (!apiKey && !preview) {
    console.warn(
      'ChatConnect widget: the <script> tag has no data-api-key attribute, so the chat launcher stays hidden.',
    );
    return null;
  }
  const scriptUrl = new URL(script.src, location.href);
  return {
    apiKey,
    apiBase: script.dataset.apiBase?.trim() || scriptUrl.origin,
    panelUrl: new URL(__CHATCONNECT_PANEL_PATH__, scriptUrl).href,
    localeUrls: Object.fromEntries(
      Object.entries(__CHATCONNECT_LOCALE_PATHS__).map(([locale, file]) => [locale, new URL(file, scriptUrl).href]),
    ),
    nonce: script.nonce || '',
    overrides: parseOverrides(script.dataset.config),
  };
}

function mount(settings: WidgetSettings): void {
  const widget = document.createElement(ELEMENT_NAME) as ChatConnectWidget;
  // Started first, so it is the page's one widget by the time it is connected.
  widget.start(settings);
  document.body.appendChild(widget);
}

// A site that pastes the snippet twice (or an SPA that re-inserts it) still gets one widget.
if (ownScript && !customElements.get(ELEMENT_NAME)) {
  customElements.define(ELEMENT_NAME, ChatConnectWidget);
  const settings = settingsFrom(ownScript);
  if (settings) {
    if (document.body) mount(settings);
    else document.addEventListener('DOMContentLoaded', () => mount(settings), { once: true });
  }
}
