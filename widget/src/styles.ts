/**
 * Stylesheets for the shadow root. They are applied as constructable stylesheets where the browser
 * has them, which a site's `style-src` CSP does not govern; older browsers get a `<style>` element.
 * Theme colours arrive as custom properties set through CSSOM on `.cc` (also outside CSP's reach).
 */

const FONT_STACK = `ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif, "Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji"`;

/**
 * The host element is the one thing a page's own rules can select (`*`, `body *`, `body > *`,
 * `chatconnect-widget`, with or without `!important`). Everything on it is reset with `!important`,
 * which in a `:host` rule beats the page's rules of either weight (CSS Cascade 4: for important
 * declarations the inner tree context wins). It is a 0x0 fixed box, so page layout (flex, grid,
 * floats) neither moves nor sizes it, and nothing of the page is inherited into the shadow tree:
 * `all` does not reset `direction`, `unicode-bidi` and custom properties, so those are set too.
 */
const HOST_RESET = `
:host { all: initial !important; display: block !important; position: fixed !important; top: 0 !important; left: 0 !important;
  width: 0 !important; height: 0 !important; margin: 0 !important; padding: 0 !important; border: 0 !important; overflow: visible !important;
  z-index: 2147483000 !important; visibility: visible !important; opacity: 1 !important; transform: none !important; filter: none !important;
  clip-path: none !important; contain: none !important; zoom: 1 !important; direction: ltr !important; unicode-bidi: isolate !important;
  pointer-events: auto !important; content-visibility: visible !important; }
:host::before, :host::after { content: none !important; display: none !important; }
`;

/**
 * The root inside the shadow tree sets every inherited property the widget's text depends on, so
 * even a browser without `:host` support for some property starts from the same values.
 */
const ROOT_TEXT = `
.cc { font-family: ${FONT_STACK}; font-size: 15px; font-style: normal; font-weight: 400; font-variant: normal; font-stretch: normal;
  font-feature-settings: normal; font-variation-settings: normal; font-kerning: auto; font-size-adjust: none; font-optical-sizing: auto; font-synthesis: weight style;
  line-height: 1.5; letter-spacing: normal; word-spacing: normal; text-transform: none; text-align: start; text-indent: 0; text-shadow: none;
  text-decoration: none; text-rendering: auto; text-underline-offset: auto; text-wrap: wrap; white-space: normal; word-break: normal; overflow-wrap: normal;
  hyphens: manual; tab-size: 8; line-break: auto; color: #0f172a; visibility: visible; cursor: auto; pointer-events: auto; caret-color: auto;
  quotes: auto; border-collapse: separate; border-spacing: 0; empty-cells: show; color-scheme: light; accent-color: auto;
  -webkit-font-smoothing: antialiased; -webkit-text-fill-color: currentColor; -webkit-text-stroke: 0; -webkit-tap-highlight-color: transparent;
  user-select: auto; writing-mode: horizontal-tb; text-orientation: mixed; unicode-bidi: isolate;
  --cc-viewport-height: 100%; --cc-viewport-top: 0px; }
`;

/** Loaded with the page: the host reset and the launcher only. */
export const launcherCss = `${HOST_RESET}${ROOT_TEXT}
.cc *, .cc *::before, .cc *::after { box-sizing: border-box; }
.launcher { position: fixed; z-index: 2147483000; bottom: calc(20px + env(safe-area-inset-bottom, 0px)); right: calc(20px + env(safe-area-inset-right, 0px));
  width: 60px; height: 60px; margin: 0; padding: 0; border: 0; border-radius: 50%; display: grid; place-items: center; cursor: pointer;
  background: var(--cc-primary); color: var(--cc-on-primary);
  box-shadow: 0 6px 20px rgba(15, 23, 42, 0.22), 0 2px 6px rgba(15, 23, 42, 0.12);
  transition: transform 0.18s ease, box-shadow 0.18s ease; -webkit-tap-highlight-color: transparent; }
.cc.left .launcher { right: auto; left: calc(20px + env(safe-area-inset-left, 0px)); }
.launcher[hidden] { display: none; }
.launcher:hover { transform: scale(1.06); box-shadow: 0 10px 28px rgba(15, 23, 42, 0.26), 0 2px 6px rgba(15, 23, 42, 0.12); }
.launcher:active { transform: scale(0.97); }
.launcher:focus { outline: none; }
.launcher:focus-visible { outline: 3px solid var(--cc-accent); outline-offset: 3px; }
.launcher svg { position: absolute; width: 28px; height: 28px; transition: transform 0.22s ease, opacity 0.22s ease; }
.launcher .icon-close { opacity: 0; transform: rotate(-45deg) scale(0.6); }
.launcher[aria-expanded="true"] .icon-chat { opacity: 0; transform: rotate(45deg) scale(0.6); }
.launcher[aria-expanded="true"] .icon-close { opacity: 1; transform: none; }
.launcher[aria-busy="true"] .icon-chat { animation: cc-pulse 1s ease-in-out infinite; }
@keyframes cc-pulse { 50% { opacity: 0.55; } }
.sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
@media (max-width: 480px) { .cc.open .launcher { display: none; } }
@media (prefers-reduced-motion: reduce) { .launcher, .launcher svg { transition: none; } .launcher:hover { transform: none; } .launcher[aria-busy="true"] .icon-chat { animation: none; } }
`;

/** Loaded with the panel chunk. */
export const panelCss = `
.panel { position: fixed; z-index: 2147483000; bottom: calc(92px + env(safe-area-inset-bottom, 0px)); right: calc(20px + env(safe-area-inset-right, 0px));
  width: 384px; height: min(680px, calc(100vh - 116px)); min-height: 320px; display: flex; flex-direction: column; overflow: hidden;
  background: #ffffff; border-radius: 18px; box-shadow: 0 24px 64px rgba(15, 23, 42, 0.2), 0 4px 16px rgba(15, 23, 42, 0.08), 0 0 0 1px rgba(15, 23, 42, 0.06);
  transform-origin: bottom right; opacity: 0; transform: translateY(16px) scale(0.98); visibility: hidden;
  transition: opacity 0.2s ease, transform 0.2s ease, visibility 0s linear 0.2s; }
.cc.left .panel { right: auto; left: calc(20px + env(safe-area-inset-left, 0px)); transform-origin: bottom left; }
.panel.open { opacity: 1; transform: none; visibility: visible; transition-delay: 0s; }
button { font: inherit; }

.header { display: flex; align-items: center; gap: 12px; padding-block: 16px; padding-inline: 18px 12px; background: var(--cc-primary); color: var(--cc-on-primary); flex: none; }
.avatar { width: 40px; height: 40px; border-radius: 50%; flex: none; display: grid; place-items: center; overflow: hidden;
  background: var(--cc-on-primary-soft); font-weight: 600; font-size: 17px; }
.avatar img { width: 100%; height: 100%; object-fit: cover; display: block; }
.heading-text { flex: 1; min-width: 0; }
.title { margin: 0; font-size: 16px; font-weight: 650; line-height: 1.3; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.subtitle { margin: 2px 0 0; font-size: 13px; line-height: 1.3; display: flex; align-items: center; gap: 6px; white-space: nowrap; overflow: hidden; }
.subtitle::before { content: ""; flex: none; width: 8px; height: 8px; border-radius: 50%; background: #22c55e; }
.icon-button { width: 36px; height: 36px; flex: none; border: 0; border-radius: 10px; padding: 0; display: grid; place-items: center; cursor: pointer; background: transparent; color: inherit; }
.icon-button:hover { background: var(--cc-on-primary-soft); }
.icon-button:focus { outline: none; }
.icon-button:focus-visible { outline: 2px solid currentColor; outline-offset: 1px; }
.icon-button svg { width: 20px; height: 20px; }

.log { flex: 1; min-height: 0; overflow-y: auto; padding: 20px 16px 12px; background: #f8fafc; display: flex; flex-direction: column; gap: 14px; overscroll-behavior: contain; }
.log:focus { outline: none; }
.log:focus-visible { outline: 2px solid var(--cc-accent); outline-offset: -2px; }
.msg { display: flex; flex-direction: column; align-items: flex-start; max-width: 88%; }
.msg.user { align-self: flex-end; align-items: flex-end; }
.bubble { padding: 10px 14px; border-radius: 18px; overflow-wrap: anywhere; font-size: 15px; line-height: 1.55; text-align: start; unicode-bidi: isolate; }
.user .bubble { background: var(--cc-primary); color: var(--cc-on-primary); border-end-end-radius: 6px; white-space: pre-wrap; }
.assistant .bubble { background: #ffffff; color: #0f172a; border: 1px solid #e2e8f0; border-end-start-radius: 6px; box-shadow: 0 1px 2px rgba(15, 23, 42, 0.05); }
.bubble p, .bubble ul, .bubble ol, .bubble pre, .bubble blockquote { margin: 0 0 0.65em; }
.bubble > :last-child { margin-bottom: 0; }
.bubble ul, .bubble ol { padding-inline-start: 1.35em; }
.bubble li + li { margin-top: 0.25em; }
.bubble strong { font-weight: 650; }
.bubble code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.87em; background: #f1f5f9; padding: 0.1em 0.35em; border-radius: 5px; }
.bubble pre { background: #0f172a; color: #e2e8f0; padding: 10px 12px; border-radius: 10px; overflow-x: auto; font-size: 13px; line-height: 1.5; }
.bubble pre code { background: none; padding: 0; color: inherit; font-size: inherit; }
.bubble a { color: var(--cc-accent); text-decoration: underline; text-underline-offset: 2px; }
.bubble a:focus-visible, .starter:focus-visible, .retry:focus-visible, .source:focus-visible { outline: 2px solid var(--cc-accent); outline-offset: 2px; border-radius: 4px; }
.bubble blockquote { padding-inline-start: 10px; border-inline-start: 3px solid #cbd5e1; color: #334155; }
.bubble hr { border: 0; border-top: 1px solid #e2e8f0; margin: 0.8em 0; }
.cite { display: inline-block; min-width: 1.45em; padding: 0 0.35em; margin-inline-start: 2px; border-radius: 999px; background: var(--cc-accent-soft); color: var(--cc-accent);
  font-size: 0.7em; font-weight: 650; line-height: 1.55; text-align: center; vertical-align: super; cursor: default; }
.cursor::after { content: ""; display: inline-block; width: 0.45em; height: 1em; margin-inline-start: 2px; vertical-align: -0.15em; background: currentColor; opacity: 0.35; animation: cc-blink 1s steps(2) infinite; }
@keyframes cc-blink { 50% { opacity: 0; } }

.typing { display: inline-flex; gap: 5px; padding: 6px 2px; }
.typing span { width: 7px; height: 7px; border-radius: 50%; background: #94a3b8; animation: cc-bounce 1.2s ease-in-out infinite; }
.typing span:nth-child(2) { animation-delay: 0.15s; }
.typing span:nth-child(3) { animation-delay: 0.3s; }
@keyframes cc-bounce { 0%, 70%, 100% { transform: translateY(0); opacity: 0.5; } 35% { transform: translateY(-4px); opacity: 1; } }

.sources-label { margin: 10px 0 6px 2px; font-size: 12px; font-weight: 600; color: #475569; letter-spacing: 0.01em; }
.sources { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 6px; }
.source { display: inline-flex; align-items: center; gap: 6px; max-width: 100%; padding-block: 4px; padding-inline: 5px 10px; background: #ffffff; border: 1px solid #e2e8f0; border-radius: 999px; font-size: 12.5px; color: #334155; }
.source-number { min-width: 19px; height: 19px; padding: 0 5px; border-radius: 999px; display: grid; place-items: center; background: var(--cc-accent-soft); color: var(--cc-accent); font-size: 11px; font-weight: 650; }
.source-name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; max-width: 190px; }
.source-page { color: #64748b; white-space: nowrap; }
.notice { margin-top: 6px; display: flex; flex-wrap: wrap; align-items: center; gap: 4px 10px; font-size: 13px; color: #b91c1c; }
.notice.muted { color: #64748b; }
.retry { border: 0; background: none; padding: 0; color: var(--cc-accent); font-size: 13px; font-weight: 600; text-decoration: underline; text-underline-offset: 2px; cursor: pointer; }

.starters { align-self: flex-end; display: flex; flex-direction: column; align-items: flex-end; gap: 8px; max-width: 88%; }
.starter { padding: 8px 14px; border: 1px solid var(--cc-accent); border-radius: 999px; background: #ffffff; color: var(--cc-accent); font-size: 14px; line-height: 1.4; text-align: start; cursor: pointer; transition: background 0.15s ease; }
.starter:hover { background: var(--cc-accent-soft); }

.composer { flex: none; display: flex; align-items: flex-end; gap: 8px; padding: 12px 12px 8px; background: #ffffff; border-top: 1px solid #e2e8f0; }
.input { flex: 1; min-width: 0; min-height: 44px; max-height: 140px; margin: 0; padding: 10px 16px; resize: none; overflow-y: auto; font: inherit; font-size: 15px; line-height: 1.45;
  color: #0f172a; background: #ffffff; border: 1px solid #cbd5e1; border-radius: 22px; outline: none; transition: border-color 0.15s ease, box-shadow 0.15s ease; }
.input::placeholder { color: #64748b; opacity: 1; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.input:focus { border-color: var(--cc-accent); box-shadow: 0 0 0 3px var(--cc-accent-soft); }
.input:disabled { background: #f1f5f9; }
.send { width: 44px; height: 44px; flex: none; border: 0; border-radius: 50%; padding: 0; display: grid; place-items: center; cursor: pointer;
  background: var(--cc-primary); color: var(--cc-on-primary); transition: transform 0.15s ease; }
.send:hover:not(:disabled) { transform: scale(1.05); }
.send:disabled { background: #e2e8f0; color: #64748b; cursor: default; }
.send:focus { outline: none; }
.send:focus-visible { outline: 3px solid var(--cc-accent); outline-offset: 2px; }
.send svg { width: 20px; height: 20px; }
.cc [hidden] { display: none !important; }
.feedback { display: flex; align-items: center; gap: 2px; margin-top: 6px; min-height: 28px; }
.rate { width: 30px; height: 28px; border: 0; border-radius: 8px; padding: 0; display: grid; place-items: center; background: transparent; color: #64748b; cursor: pointer; }
.rate:hover { background: #e2e8f0; color: #0f172a; }
.rate[aria-pressed="true"] { color: var(--cc-accent); background: var(--cc-accent-soft); }
.rate:focus { outline: none; }
.rate:focus-visible, .small-button:focus-visible, .contact-offer:focus-visible { outline: 2px solid var(--cc-accent); outline-offset: 2px; }
.rate svg { width: 16px; height: 16px; }
.feedback-status { margin-inline-start: 6px; font-size: 12.5px; color: #475569; }
.feedback-status.failed { color: #b91c1c; }
.feedback-comment, .contact { display: flex; flex-direction: column; gap: 6px; margin-top: 8px; padding: 12px; background: #ffffff; border: 1px solid #e2e8f0; border-radius: 14px; }
.feedback-comment { align-items: stretch; }
.feedback-comment .small-button { align-self: flex-end; }
.field { display: flex; flex-direction: column; gap: 4px; }
.field-label { font-size: 13px; font-weight: 600; color: #334155; }
.field-input { width: 100%; margin: 0; padding: 8px 10px; font: inherit; font-size: 16px; line-height: 1.4; color: #0f172a; background: #ffffff; border: 1px solid #cbd5e1; border-radius: 10px; resize: vertical; }
.field-input:focus { outline: none; border-color: var(--cc-accent); box-shadow: 0 0 0 3px var(--cc-accent-soft); }
.field-input[aria-invalid="true"] { border-color: #b91c1c; }
.small-button { padding: 7px 14px; border: 1px solid #cbd5e1; border-radius: 999px; background: #ffffff; color: #0f172a; font-size: 14px; font-weight: 600; line-height: 1.3; cursor: pointer; }
.small-button.primary { background: var(--cc-primary); color: var(--cc-on-primary); border-color: transparent; }
.small-button:disabled { opacity: 0.6; cursor: default; }
.contact { align-self: stretch; }
.contact-title { margin: 0; font-size: 15px; font-weight: 650; }
.contact-intro { margin: 0 0 4px; font-size: 13.5px; color: #475569; }
.contact-error { margin: 0; font-size: 13px; color: #b91c1c; }
.contact-actions { display: flex; justify-content: flex-end; gap: 8px; margin-top: 4px; }
.contact-done { align-self: stretch; margin: 0; padding: 10px 14px; background: #f0fdf4; color: #166534; border-radius: 12px; font-size: 14px; }
.contact-done:focus { outline: none; }
.contact-offer { display: inline-flex; align-items: center; gap: 6px; margin-top: 8px; padding: 6px 12px; border: 1px solid var(--cc-accent); border-radius: 999px; background: #ffffff; color: var(--cc-accent); font-size: 13.5px; font-weight: 600; cursor: pointer; }
.contact-offer svg { width: 16px; height: 16px; }
.footer { flex: none; padding: 0 12px 10px; background: #ffffff; text-align: center; font-size: 11.5px; color: #64748b; }
.counter { font-variant-numeric: tabular-nums; }
.counter.over { color: #b91c1c; font-weight: 600; }

@media (max-width: 480px) {
  .panel { top: var(--cc-viewport-top, 0px); bottom: auto; left: 0; right: 0; width: 100%; height: var(--cc-viewport-height, 100%); min-height: 0; border-radius: 0; box-shadow: none; }
  .cc.left .panel { left: 0; right: 0; }
  .header { padding-top: calc(12px + env(safe-area-inset-top, 0px)); padding-left: calc(16px + env(safe-area-inset-left, 0px)); padding-right: calc(8px + env(safe-area-inset-right, 0px)); }
  .log { padding-left: calc(12px + env(safe-area-inset-left, 0px)); padding-right: calc(12px + env(safe-area-inset-right, 0px)); }
  .composer { padding-left: calc(10px + env(safe-area-inset-left, 0px)); padding-right: calc(10px + env(safe-area-inset-right, 0px)); }
  .footer { padding-bottom: calc(8px + env(safe-area-inset-bottom, 0px)); }
  .cc.keyboard .footer { padding-bottom: 8px; }
  .input { font-size: 16px; }
  .msg, .starters { max-width: 92%; }
}
@media (prefers-reduced-motion: reduce) {
  .panel, .starter, .send, .input { transition: none; }
  .panel { transform: none; }
  .typing span, .cursor::after { animation: none; }
  .typing span { opacity: 0.7; }
}
`;

function supportsConstructableSheets(root: ShadowRoot): boolean {
  try {
    return (
      'adoptedStyleSheets' in root &&
      typeof CSSStyleSheet !== 'undefined' &&
      'replaceSync' in CSSStyleSheet.prototype &&
      Boolean(new CSSStyleSheet())
    );
  } catch {
    return false;
  }
}

/** Adds `css` to the shadow root, preferring a constructable sheet (not subject to `style-src`). */
export function adoptStyles(root: ShadowRoot, css: string): void {
  if (supportsConstructableSheets(root)) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
    return;
  }
  const style = root.ownerDocument.createElement('style');
  style.textContent = css;
  root.prepend(style);
}
