import { loadChunk, deliverChunk } from './chunks';
import { loadWidgetConfig } from './config-client';
import { element, icon } from './dom';
import type { UiStrings } from './i18n/en';
import { browserLanguages, resolveLocale, textDirection } from './i18n/locale';
import { launcherCss, adoptStyles } from './styles';
import { mergeWidgetConfig, normalizeWidgetConfig, themeVariables } from './theme';
import { ELEMENT_NAME } from './element-name';
import type { MountPanel, PanelController, WidgetConfig } from './types';
import type { WidgetLocale } from '../../core/widget-config';
export { ELEMENT_NAME } from './element-name';

export interface WidgetSettings {
  /** Null for a keyless dashboard preview: theme only, no chat. */
  apiKey: string | null;
  apiBase: string;
  /** Absolute URL of the hashed panel chunk. */
  panelUrl: string;
  /** Absolute URLs of the hashed string files, one per language other than English. */
  localeUrls: Partial<Record<WidgetLocale, string>>;
  /** Copied onto the chunks' <script> so nonce-based CSPs accept them. */
  nonce: string;
  /** Partial config layered over the server's (dashboard preview of unsaved changes). */
  overrides: unknown;
}

const CONFIG_RETRY_DELAYS_MS = [2_000, 8_000, 30_000];
/** The loader's only English strings; the rest of English ships with the panel (i18n/en.ts). */
const LAUNCHER_LABELS = { openChat: 'Open chat', closeChat: 'Close chat' } as const;
/** How long the launcher waits for a language's strings before showing in English. */
const STRINGS_WAIT_MS = 4_000;
/** Above this many re-insertions per second something keeps removing the element on purpose: stop fighting it. */
const MAX_REATTACHES_PER_SECOND = 10;

function whenIdle(callback: () => void): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(callback, { timeout: 4_000 });
  else setTimeout(callback, 2_500);
}

/** The one live widget of this page; any other <chatconnect-widget> (a Turbo snapshot's clone, a pasted copy) removes itself. */
let activeWidget: ChatConnectWidget | null = null;

export class ChatConnectWidget extends HTMLElement {
  /** Called by the panel chunk once it has executed. */
  static registerPanel(mount: MountPanel): void {
    deliverChunk('panel', mount);
  }

  /** Called by a language's strings chunk once it has executed. */
  static registerStrings(locale: string, strings: Partial<UiStrings>): void {
    deliverChunk(`i18n:${locale}`, strings);
  }

  private readonly root: HTMLDivElement;
  private readonly launcher: HTMLButtonElement;
  private settings: WidgetSettings | null = null;
  /** The merged configuration as the tenant wrote it (default texts still in English). */
  private config: WidgetConfig | null = null;
  /** The loaded translation; empty for English (the panel carries English, the launcher its two labels). */
  private strings: Partial<UiStrings> = {};
  private locale: WidgetLocale = 'en';
  private panel: PanelController | null = null;
  private opening: Promise<void> | null = null;
  private destroyed = false;
  private reattachTimes: number[] = [];
  private bodyWatcher: MutationObserver | null = null;

  constructor() {
    super();
    const shadow = this.attachShadow({ mode: 'open' });
    adoptStyles(shadow, launcherCss);
    const doc = this.ownerDocument;
    this.launcher = element(
      doc,
      'button',
      {
        className: 'launcher',
        hidden: true,
        attributes: {
          type: 'button',
          'aria-label': LAUNCHER_LABELS.openChat,
          'aria-expanded': 'false',
          'aria-haspopup': 'dialog',
        },
      },
      [icon(doc, 'chat', 'icon-chat'), icon(doc, 'close', 'icon-close')],
    );
    this.root = element(doc, 'div', { className: 'cc', attributes: { lang: 'en', dir: 'ltr' } }, [this.launcher]);
    shadow.appendChild(this.root);
    this.launcher.addEventListener('click', () => (this.isOpen() ? this.close() : void this.open()));
    this.launcher.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && this.isOpen()) this.close();
    });
    const preload = (): void => void this.preloadPanel();
    this.launcher.addEventListener('pointerenter', preload, { once: true });
    this.launcher.addEventListener('focus', preload, { once: true });
  }

  connectedCallback(): void {
    if (activeWidget && activeWidget !== this) {
      this.remove();
      activeWidget.reattach();
      return;
    }
    this.panel?.reattached();
  }

  /**
   * Sites that swap `<body>` without a full load (Turbo, pjax, view transitions, history-based SPAs)
   * take the element out with the old body: it goes back into the new one, conversation, open panel
   * and all, once the current task's DOM work is done.
   */
  disconnectedCallback(): void {
    if (this !== activeWidget || this.destroyed) return;
    queueMicrotask(() => this.reattach());
  }

  private reattach(): void {
    if (this.isConnected || this.destroyed || activeWidget !== this) return;
    const body = this.ownerDocument.body;
    if (!body) {
      // Between the old body's removal and the new one's arrival: wait for it.
      if (this.bodyWatcher) return;
      this.bodyWatcher = new MutationObserver(() => {
        if (!this.ownerDocument.body) return;
        this.bodyWatcher?.disconnect();
        this.bodyWatcher = null;
        this.reattach();
      });
      this.bodyWatcher.observe(this.ownerDocument, { childList: true, subtree: true });
      return;
    }
    const now = Date.now();
    this.reattachTimes = this.reattachTimes.filter((time) => now - time < 1_000);
    if (this.reattachTimes.length >= MAX_REATTACHES_PER_SECOND) {
      console.warn(
        'ChatConnect widget: something on this page keeps removing <chatconnect-widget>; it stays removed. Call widget.destroy() to remove it on purpose.',
      );
      this.destroyed = true;
      return;
    }
    this.reattachTimes.push(now);
    body.appendChild(this);
  }

  /** Removes the widget for good (it otherwise comes back after any removal). */
  destroy(): void {
    this.destroyed = true;
    this.close();
    this.bodyWatcher?.disconnect();
    if (activeWidget === this) activeWidget = null;
    this.remove();
  }

  /** Starts the widget: loads the configuration (or uses the preview's), then shows the launcher. */
  start(settings: WidgetSettings): void {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the one live widget of the page, found again after a body swap
    activeWidget = this;
    // A <chatconnect-widget> already in the page's markup would be a second, empty one.
    for (const other of this.ownerDocument.querySelectorAll(ELEMENT_NAME)) if (other !== this) other.remove();
    this.settings = settings;
    if (!settings.apiKey) {
      void this.ready(mergeWidgetConfig(normalizeWidgetConfig({}), settings.overrides));
      return;
    }
    void this.fetchConfig(settings, settings.apiKey, 0);
  }

  private async fetchConfig(settings: WidgetSettings, apiKey: string, attempt: number): Promise<void> {
    const result = await loadWidgetConfig({ apiBase: settings.apiBase, apiKey, pageOrigin: location.origin });
    if (result.ok) {
      await this.ready(mergeWidgetConfig(result.config, settings.overrides));
      return;
    }
    console.warn(result.warning);
    this.dispatchEvent(
      new CustomEvent('chatconnect:unavailable', {
        bubbles: true,
        composed: true,
        detail: { reason: result.reason, status: result.status },
      }),
    );
    if (!result.retryable) return;
    const retry = (): void => void this.fetchConfig(settings, apiKey, attempt + 1);
    if (navigator.onLine === false) window.addEventListener('online', retry, { once: true });
    else if (attempt < CONFIG_RETRY_DELAYS_MS.length) setTimeout(retry, CONFIG_RETRY_DELAYS_MS[attempt]);
  }

  /** The translation for `locale` from its own file; null for English or when it fails to load. */
  private async loadStrings(locale: WidgetLocale): Promise<Partial<UiStrings> | null> {
    const url = this.settings?.localeUrls[locale];
    if (locale === 'en' || !url || !this.settings) return null;
    try {
      // A slow strings file must not keep the launcher hidden: English after a few seconds.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const slow = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${url} took over ${STRINGS_WAIT_MS / 1000} s`)), STRINGS_WAIT_MS);
      });
      const strings = await Promise.race([
        loadChunk<Partial<UiStrings>>(`i18n:${locale}`, url, this.settings.nonce),
        slow,
      ]).finally(() => clearTimeout(timer));
      return strings;
    } catch (error) {
      console.warn(`ChatConnect widget: ${(error as Error).message}; showing English.`);
      return null;
    }
  }

  private async useLocaleOf(config: WidgetConfig): Promise<void> {
    const locale = resolveLocale(config.locale, browserLanguages());
    const strings = await this.loadStrings(locale);
    // Only a text in the language it claims: if the file failed, the widget is English.
    this.locale = strings ? locale : 'en';
    this.strings = strings ?? {};
    this.root.lang = this.locale;
    this.root.dir = textDirection(this.locale);
  }

  private async ready(config: WidgetConfig): Promise<void> {
    await this.useLocaleOf(config);
    this.applyTheme(config);
    this.syncOpenState(this.isOpen());
    this.launcher.hidden = false;
    this.dispatchEvent(new CustomEvent('chatconnect:ready', { bubbles: true, composed: true }));
    whenIdle(() => void this.preloadPanel());
  }

  private applyTheme(config: WidgetConfig): void {
    this.config = config;
    for (const [name, value] of Object.entries(themeVariables(config))) this.root.style.setProperty(name, value);
    this.root.classList.toggle('left', config.position === 'bottom-left');
  }

  private preloadPanel(): Promise<MountPanel | null> {
    if (!this.settings || !this.config) return Promise.resolve(null);
    return loadChunk<MountPanel>('panel', this.settings.panelUrl, this.settings.nonce).catch(() => null);
  }

  isOpen(): boolean {
    return this.panel?.isOpen() ?? false;
  }

  /** Opens the chat panel, loading it first if needed. */
  open(): Promise<void> {
    if (this.opening) return this.opening;
    const { settings } = this;
    if (!settings || !this.config) return Promise.resolve();
    this.opening = (async () => {
      try {
        if (!this.panel) {
          this.launcher.setAttribute('aria-busy', 'true');
          const mount = await loadChunk<MountPanel>('panel', settings.panelUrl, settings.nonce);
          const config = this.config as WidgetConfig;
          this.panel = mount({
            container: this.root,
            shadowRoot: this.shadowRoot as ShadowRoot,
            launcher: this.launcher,
            // The config as it is now: applyConfig may have changed it while the panel loaded.
            config,
            strings: this.strings,
            locale: this.locale,
            apiKey: settings.apiKey,
            apiBase: settings.apiBase,
            onClose: () => this.syncOpenState(false),
          });
        }
        this.panel.open();
        this.syncOpenState(true);
      } catch (error) {
        console.warn(
          `ChatConnect widget: ${(error as Error).message}. Serve the files of widget/dist/assets under /widget/ next to /widget.js.`,
        );
      } finally {
        this.launcher.removeAttribute('aria-busy');
        this.opening = null;
      }
    })();
    return this.opening;
  }

  close(): void {
    this.panel?.close();
    this.syncOpenState(false);
  }

  /** Live changes (dashboard preview); takes a partial config over the current one. */
  applyConfig(overrides: unknown): void {
    if (!this.config) return;
    const next = mergeWidgetConfig(this.config, overrides);
    const apply = (): void => {
      this.applyTheme(next);
      this.syncOpenState(this.isOpen());
      this.panel?.applyConfig(next, this.strings);
    };
    if (next.locale === this.config.locale) apply();
    else void this.useLocaleOf(next).then(apply);
  }

  private syncOpenState(open: boolean): void {
    this.root.classList.toggle('open', open);
    this.launcher.setAttribute('aria-expanded', String(open));
    this.launcher.setAttribute(
      'aria-label',
      open
        ? (this.strings.closeChat ?? LAUNCHER_LABELS.closeChat)
        : (this.strings.openChat ?? LAUNCHER_LABELS.openChat),
    );
  }
}
