import { loadWidgetConfig } from './config-client';
import { element, icon } from './dom';
import { launcherCss, adoptStyles } from './styles';
import { mergeWidgetConfig, normalizeWidgetConfig, themeVariables } from './theme';
import type { MountPanel, PanelController, WidgetConfig } from './types';

export { ELEMENT_NAME } from './element-name';

export interface WidgetSettings {
  /** Null for a keyless dashboard preview: theme only, no chat. */
  apiKey: string | null;
  apiBase: string;
  /** Absolute URL of the hashed panel chunk. */
  panelUrl: string;
  /** Copied onto the panel's <script> so nonce-based CSPs accept it. */
  nonce: string;
  /** Partial config layered over the server's (dashboard preview of unsaved changes). */
  overrides: unknown;
}

const PANEL_LOAD_TIMEOUT_MS = 15_000;
const CONFIG_RETRY_DELAYS_MS = [2_000, 8_000, 30_000];

interface TrustedTypesWindow {
  trustedTypes?: { createPolicy(name: string, rules: { createScriptURL(url: string): string }): { createScriptURL(url: string): unknown } };
}

/**
 * Sites that enforce Trusted Types (`require-trusted-types-for 'script'`) only accept a script URL
 * vouched for by a policy; ours vouches for exactly the panel URL. Without the API (or when the
 * site's `trusted-types` directive does not list "chatconnect") a plain string is used, which
 * works everywhere Trusted Types are not enforced.
 */
let scriptUrlPolicy: { createScriptURL(url: string): unknown } | null | undefined;
function trustedScriptUrl(url: string): unknown {
  const factory = (window as unknown as TrustedTypesWindow).trustedTypes;
  if (!factory) return url;
  if (scriptUrlPolicy === undefined) {
    try {
      scriptUrlPolicy = factory.createPolicy('chatconnect', { createScriptURL: (candidate: string) => (/\/widget\/panel-[\w]+\.js$/.test(new URL(candidate).pathname) ? candidate : '') });
    } catch {
      scriptUrlPolicy = null;
    }
  }
  return scriptUrlPolicy ? scriptUrlPolicy.createScriptURL(url) : url;
}

let panelModule: Promise<MountPanel> | null = null;
let deliverPanel: ((mount: MountPanel) => void) | null = null;

/**
 * Loads the panel chunk with a classic <script>: unlike `import()` it needs no CORS headers on the
 * chunk and carries the loader's nonce. The chunk hands its mount function back through
 * `ChatConnectWidget.registerPanel`, reached via the custom-elements registry (no window globals).
 */
function loadPanelModule(url: string, nonce: string): Promise<MountPanel> {
  if (panelModule) return panelModule;
  const attempt = new Promise<MountPanel>((resolve, reject) => {
    let settled = false;
    const script = document.createElement('script');
    const fail = (reason: string): void => {
      if (settled) return;
      settled = true;
      deliverPanel = null;
      panelModule = null;
      script.remove();
      reject(new Error(reason));
    };
    const timer = setTimeout(() => fail(`timed out loading ${url}`), PANEL_LOAD_TIMEOUT_MS);
    deliverPanel = (mount) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(mount);
    };
    script.addEventListener('error', () => fail(`could not load ${url}`));
    // The chunk registers itself while executing, which happens before its load event.
    script.addEventListener('load', () => setTimeout(() => fail(`${url} did not register the chat panel`), 0));
    try {
      (script as unknown as { src: unknown }).src = trustedScriptUrl(url);
    } catch {
      fail(`Trusted Types blocked ${url}; add "chatconnect" to the page's trusted-types CSP directive`);
      return;
    }
    script.async = true;
    if (nonce) script.nonce = nonce;
    document.head.appendChild(script);
  });
  panelModule = attempt;
  return attempt;
}

function whenIdle(callback: () => void): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(callback, { timeout: 4_000 });
  else setTimeout(callback, 2_500);
}

export class ChatConnectWidget extends HTMLElement {
  /** Called by the panel chunk once it has executed. */
  static registerPanel(mount: MountPanel): void {
    deliverPanel?.(mount);
  }

  private readonly root: HTMLDivElement;
  private readonly launcher: HTMLButtonElement;
  private settings: WidgetSettings | null = null;
  private config: WidgetConfig | null = null;
  private panel: PanelController | null = null;
  private opening: Promise<void> | null = null;

  constructor() {
    super();
    const shadow = this.attachShadow({ mode: 'open' });
    adoptStyles(shadow, launcherCss);
    const doc = this.ownerDocument;
    this.launcher = element(doc, 'button', { className: 'launcher', hidden: true, attributes: { type: 'button', 'aria-label': 'Open chat', 'aria-expanded': 'false', 'aria-haspopup': 'dialog' } }, [
      icon(doc, 'chat', 'icon-chat'),
      icon(doc, 'close', 'icon-close'),
    ]);
    this.root = element(doc, 'div', { className: 'cc' }, [this.launcher]);
    shadow.appendChild(this.root);
    this.launcher.addEventListener('click', () => (this.isOpen() ? this.close() : void this.open()));
    this.launcher.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && this.isOpen()) this.close();
    });
    const preload = (): void => void this.preloadPanel();
    this.launcher.addEventListener('pointerenter', preload, { once: true });
    this.launcher.addEventListener('focus', preload, { once: true });
  }

  /** Starts the widget: loads the configuration (or uses the preview's), then shows the launcher. */
  start(settings: WidgetSettings): void {
    this.settings = settings;
    if (!settings.apiKey) {
      this.ready(mergeWidgetConfig(normalizeWidgetConfig({}), settings.overrides));
      return;
    }
    void this.fetchConfig(settings, settings.apiKey, 0);
  }

  private async fetchConfig(settings: WidgetSettings, apiKey: string, attempt: number): Promise<void> {
    const result = await loadWidgetConfig({ apiBase: settings.apiBase, apiKey, pageOrigin: location.origin });
    if (result.ok) {
      this.ready(mergeWidgetConfig(result.config, settings.overrides));
      return;
    }
    console.warn(result.warning);
    this.dispatchEvent(new CustomEvent('chatconnect:unavailable', { bubbles: true, composed: true, detail: { reason: result.reason, status: result.status } }));
    if (!result.retryable) return;
    const retry = (): void => void this.fetchConfig(settings, apiKey, attempt + 1);
    if (navigator.onLine === false) window.addEventListener('online', retry, { once: true });
    else if (attempt < CONFIG_RETRY_DELAYS_MS.length) setTimeout(retry, CONFIG_RETRY_DELAYS_MS[attempt]);
  }

  private ready(config: WidgetConfig): void {
    this.applyTheme(config);
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
    return loadPanelModule(this.settings.panelUrl, this.settings.nonce).catch(() => null);
  }

  isOpen(): boolean {
    return this.panel?.isOpen() ?? false;
  }

  /** Opens the chat panel, loading it first if needed. */
  open(): Promise<void> {
    if (this.opening) return this.opening;
    const { settings, config } = this;
    if (!settings || !config) return Promise.resolve();
    this.opening = (async () => {
      try {
        if (!this.panel) {
          this.launcher.setAttribute('aria-busy', 'true');
          const mount = await loadPanelModule(settings.panelUrl, settings.nonce);
          this.panel = mount({
            container: this.root,
            shadowRoot: this.shadowRoot as ShadowRoot,
            launcher: this.launcher,
            // The config as it is now: applyConfig may have changed it while the panel loaded.
            config: this.config ?? config,
            apiKey: settings.apiKey,
            apiBase: settings.apiBase,
            onClose: () => this.syncOpenState(false),
          });
        }
        this.panel.open();
        this.syncOpenState(true);
      } catch (error) {
        console.warn(`ChatConnect widget: ${(error as Error).message}. Serve the files of widget/dist/assets under /widget/ next to /widget.js.`);
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

  /** Live theme changes (dashboard preview); takes a partial config over the current one. */
  applyConfig(overrides: unknown): void {
    if (!this.config) return;
    const next = mergeWidgetConfig(this.config, overrides);
    this.applyTheme(next);
    this.panel?.applyConfig(next);
  }

  private syncOpenState(open: boolean): void {
    this.root.classList.toggle('open', open);
    this.launcher.setAttribute('aria-expanded', String(open));
    this.launcher.setAttribute('aria-label', open ? 'Close chat' : 'Open chat');
  }
}
