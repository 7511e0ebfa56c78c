/**
 * Demo page script: embeds /widget.js on the sample site and lets the dashboard's live preview
 * drive it. The query string and message protocol are documented in widget/README.md.
 */

interface PreviewableWidget extends HTMLElement {
  applyConfig(overrides: unknown): void;
  open(): Promise<void>;
  close(): void;
}

const CONFIG_FIELDS = ['title', 'greeting', 'primaryColor', 'position', 'placeholder', 'avatarUrl', 'locale'] as const;

export function overridesFromQuery(params: URLSearchParams): Record<string, unknown> {
  let overrides: Record<string, unknown> = {};
  const json = params.get('config');
  if (json) {
    try {
      const parsed: unknown = JSON.parse(json);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
        overrides = { ...(parsed as Record<string, unknown>) };
    } catch {
      console.warn('ChatConnect demo: the config query parameter is not valid JSON and was ignored.');
    }
  }
  for (const field of CONFIG_FIELDS) {
    const value = params.get(field);
    if (value !== null) overrides[field] = value;
  }
  const prompts = params.getAll('starterPrompt');
  if (prompts.length) overrides.starterPrompts = prompts;
  return overrides;
}

/**
 * Opened without `?key=` (e.g. from the URL `npm start` prints), the widget has no site to answer
 * for: say so, and point to the dashboard, where each site's widget page opens this demo with its key.
 */
function explainMissingKey(): void {
  const banner = document.getElementById('demo-banner');
  if (!banner) return;
  const text = document.createElement('span');
  text.textContent =
    'This is a sample page for trying the ChatConnect widget. It answers from a site\'s documents once it knows which site: open it from your site\'s Widget page in the dashboard ("Open demo page"), or add ?key=pk_live_… to this address. ';
  const link = document.createElement('a');
  link.href = '/';
  link.textContent = 'Go to the dashboard';
  banner.replaceChildren(text, link);
  banner.setAttribute('role', 'note');
}

function start(): void {
  const params = new URLSearchParams(location.search);
  const apiKey = params.get('key')?.trim() ?? '';
  const overrides = overridesFromQuery(params);
  const trustedOrigins = new Set([location.origin]);
  const parentOrigin = params.get('parentOrigin');
  if (parentOrigin) {
    try {
      trustedOrigins.add(new URL(parentOrigin).origin);
    } catch {
      console.warn('ChatConnect demo: parentOrigin is not a URL and was ignored.');
    }
  }
  if (params.get('banner') === '0') document.getElementById('demo-banner')?.setAttribute('hidden', '');
  else if (!apiKey && window.parent === window) explainMissingKey();

  const notifyParent = (message: Record<string, unknown>): void => {
    if (window.parent === window) return;
    for (const origin of trustedOrigins) window.parent.postMessage(message, origin);
  };

  let widget: PreviewableWidget | null = null;
  let pendingConfig: unknown = null;
  let pendingOpen: boolean | null = params.get('open') === '1' ? true : null;

  const flush = (): void => {
    if (!widget) return;
    if (pendingConfig) widget.applyConfig(pendingConfig);
    pendingConfig = null;
    if (pendingOpen === true) void widget.open();
    if (pendingOpen === false) widget.close();
    pendingOpen = null;
  };

  document.addEventListener('chatconnect:ready', (event) => {
    widget = event.target as PreviewableWidget;
    notifyParent({ type: 'chatconnect:ready', mode: apiKey ? 'live' : 'preview' });
    flush();
  });
  document.addEventListener('chatconnect:unavailable', (event) => {
    notifyParent({ type: 'chatconnect:unavailable', ...((event as CustomEvent).detail as object) });
  });

  window.addEventListener('message', (event: MessageEvent) => {
    if (event.source !== window.parent || !trustedOrigins.has(event.origin)) return;
    const data = event.data as { type?: unknown; config?: unknown } | null;
    if (!data || typeof data !== 'object') return;
    if (data.type === 'chatconnect:config' && data.config && typeof data.config === 'object')
      pendingConfig = data.config;
    else if (data.type === 'chatconnect:open') pendingOpen = true;
    else if (data.type === 'chatconnect:close') pendingOpen = false;
    else return;
    flush();
  });

  const script = document.createElement('script');
  script.src = new URL('/widget.js', location.href).href;
  script.async = true;
  if (apiKey) script.dataset.apiKey = apiKey;
  else script.dataset.preview = '';
  if (Object.keys(overrides).length) script.dataset.config = JSON.stringify(overrides);
  document.body.appendChild(script);
}

start();
