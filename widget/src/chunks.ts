/**
 * Loads the widget's lazily fetched files (the panel, a language's strings) with classic
 * `<script>` elements: unlike `import()` they need no CORS headers, carry the page's nonce and work
 * under `'strict-dynamic'` and Trusted Types. Each file announces itself by calling `deliverChunk`
 * (through the element class in the custom-elements registry, so nothing is put on `window`).
 */

const CHUNK_LOAD_TIMEOUT_MS = 15_000;
/** The only script URLs the `chatconnect` Trusted Types policy vouches for. */
const CHUNK_PATH = /\/widget\/(?:panel|i18n-[a-z]{2})-\w+\.js$/;

interface TrustedTypesWindow {
  trustedTypes?: {
    createPolicy(
      name: string,
      rules: { createScriptURL(url: string): string },
    ): { createScriptURL(url: string): unknown };
  };
}

/**
 * Sites that enforce Trusted Types (`require-trusted-types-for 'script'`) only accept a script URL
 * vouched for by a policy; ours vouches for the widget's own chunk paths. Without the API (or when
 * the site's `trusted-types` directive does not list "chatconnect") a plain string is used, which
 * works everywhere Trusted Types are not enforced.
 */
let scriptUrlPolicy: { createScriptURL(url: string): unknown } | null | undefined;
function trustedScriptUrl(url: string): unknown {
  const factory = (window as unknown as TrustedTypesWindow).trustedTypes;
  if (!factory) return url;
  if (scriptUrlPolicy === undefined) {
    try {
      scriptUrlPolicy = factory.createPolicy('chatconnect', {
        createScriptURL: (candidate: string) => (CHUNK_PATH.test(new URL(candidate).pathname) ? candidate : ''),
      });
    } catch {
      scriptUrlPolicy = null;
    }
  }
  return scriptUrlPolicy ? scriptUrlPolicy.createScriptURL(url) : url;
}

const loaded = new Map<string, Promise<unknown>>();
const waiting = new Map<string, (value: unknown) => void>();

/** Called by a chunk while it executes: `name` is e.g. `panel` or `i18n:es`. */
export function deliverChunk(name: string, value: unknown): void {
  waiting.get(name)?.(value);
}

/** Loads the chunk at `url` once, resolving with what it delivers under `name`; a failure may be retried. */
export function loadChunk<T>(name: string, url: string, nonce: string): Promise<T> {
  const existing = loaded.get(name);
  if (existing) return existing as Promise<T>;
  const attempt = new Promise<T>((resolve, reject) => {
    let settled = false;
    const script = document.createElement('script');
    const fail = (reason: string): void => {
      if (settled) return;
      settled = true;
      waiting.delete(name);
      loaded.delete(name);
      script.remove();
      reject(new Error(reason));
    };
    const timer = setTimeout(() => fail(`timed out loading ${url}`), CHUNK_LOAD_TIMEOUT_MS);
    waiting.set(name, (value) => {
      if (settled) return;
      settled = true;
      waiting.delete(name);
      clearTimeout(timer);
      resolve(value as T);
    });
    script.addEventListener('error', () => fail(`could not load ${url}`));
    // The chunk delivers itself while executing, which happens before its load event.
    script.addEventListener('load', () => setTimeout(() => fail(`${url} did not register itself`), 0));
    try {
      (script as unknown as { src: unknown }).src = trustedScriptUrl(url);
    } catch {
      fail(`Trusted Types blocked ${url}; add "chatconnect" to the page's trusted-types CSP directive`);
      return;
    }
    script.async = true;
    if (nonce) script.nonce = nonce;
    (document.head ?? document.documentElement).appendChild(script);
  });
  loaded.set(name, attempt);
  return attempt;
}
