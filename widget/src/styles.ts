/**
 * Stylesheets for the shadow root. They are applied as constructable stylesheets where the browser
 * has them, which a site's `style-src` CSP does not govern; older browsers get a `<style>` element.
 * Theme colours arrive as custom properties set through CSSOM on `.cc` (also outside CSP's reach).
 */

const FONT_STACK = `ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif, "Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji"`;

/** Loaded with the page: the host reset and the launcher only. */
export const launcherCss = `
:host { all: initial; }
.cc { font-family: ${FONT_STACK}; font-size: 15px; line-height: 1.5; color: #0f172a; -webkit-font-smoothing: antialiased; text-align: left; }
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

.header { display: flex; align-items: center; gap: 12px; padding: 16px 12px 16px 18px; background: var(--cc-primary); color: var(--cc-on-primary); flex: none; }
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
.bubble { padding: 10px 14px; border-radius: 18px; overflow-wrap: anywhere; font-size: 15px; line-height: 1.55; }
.user .bubble { background: var(--cc-primary); color: var(--cc-on-primary); border-bottom-right-radius: 6px; white-space: pre-wrap; }
.assistant .bubble { background: #ffffff; color: #0f172a; border: 1px solid #e2e8f0; border-bottom-left-radius: 6px; box-shadow: 0 1px 2px rgba(15, 23, 42, 0.05); }
.bubble p, .bubble ul, .bubble ol, .bubble pre, .bubble blockquote { margin: 0 0 0.65em; }
.bubble > :last-child { margin-bottom: 0; }
.bubble ul, .bubble ol { padding-left: 1.35em; }
.bubble li + li { margin-top: 0.25em; }
.bubble strong { font-weight: 650; }
.bubble code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.87em; background: #f1f5f9; padding: 0.1em 0.35em; border-radius: 5px; }
.bubble pre { background: #0f172a; color: #e2e8f0; padding: 10px 12px; border-radius: 10px; overflow-x: auto; font-size: 13px; line-height: 1.5; }
.bubble pre code { background: none; padding: 0; color: inherit; font-size: inherit; }
.bubble a { color: var(--cc-accent); text-decoration: underline; text-underline-offset: 2px; }
.bubble a:focus-visible, .starter:focus-visible, .retry:focus-visible, .source:focus-visible { outline: 2px solid var(--cc-accent); outline-offset: 2px; border-radius: 4px; }
.bubble blockquote { padding-left: 10px; border-left: 3px solid #cbd5e1; color: #334155; }
.bubble hr { border: 0; border-top: 1px solid #e2e8f0; margin: 0.8em 0; }
.cite { display: inline-block; min-width: 1.45em; padding: 0 0.35em; margin-left: 2px; border-radius: 999px; background: var(--cc-accent-soft); color: var(--cc-accent);
  font-size: 0.7em; font-weight: 650; line-height: 1.55; text-align: center; vertical-align: super; cursor: default; }
.cursor::after { content: ""; display: inline-block; width: 0.45em; height: 1em; margin-left: 2px; vertical-align: -0.15em; background: currentColor; opacity: 0.35; animation: cc-blink 1s steps(2) infinite; }
@keyframes cc-blink { 50% { opacity: 0; } }

.typing { display: inline-flex; gap: 5px; padding: 6px 2px; }
.typing span { width: 7px; height: 7px; border-radius: 50%; background: #94a3b8; animation: cc-bounce 1.2s ease-in-out infinite; }
.typing span:nth-child(2) { animation-delay: 0.15s; }
.typing span:nth-child(3) { animation-delay: 0.3s; }
@keyframes cc-bounce { 0%, 70%, 100% { transform: translateY(0); opacity: 0.5; } 35% { transform: translateY(-4px); opacity: 1; } }

.sources-label { margin: 10px 0 6px 2px; font-size: 12px; font-weight: 600; color: #475569; letter-spacing: 0.01em; }
.sources { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 6px; }
.source { display: inline-flex; align-items: center; gap: 6px; max-width: 100%; padding: 4px 10px 4px 5px; background: #ffffff; border: 1px solid #e2e8f0; border-radius: 999px; font-size: 12.5px; color: #334155; }
.source-number { min-width: 19px; height: 19px; padding: 0 5px; border-radius: 999px; display: grid; place-items: center; background: var(--cc-accent-soft); color: var(--cc-accent); font-size: 11px; font-weight: 650; }
.source-name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; max-width: 190px; }
.source-page { color: #64748b; white-space: nowrap; }
.notice { margin-top: 6px; display: flex; flex-wrap: wrap; align-items: center; gap: 4px 10px; font-size: 13px; color: #b91c1c; }
.notice.muted { color: #64748b; }
.retry { border: 0; background: none; padding: 0; color: var(--cc-accent); font-size: 13px; font-weight: 600; text-decoration: underline; text-underline-offset: 2px; cursor: pointer; }

.starters { align-self: flex-end; display: flex; flex-direction: column; align-items: flex-end; gap: 8px; max-width: 88%; }
.starter { padding: 8px 14px; border: 1px solid var(--cc-accent); border-radius: 999px; background: #ffffff; color: var(--cc-accent); font-size: 14px; line-height: 1.4; text-align: left; cursor: pointer; transition: background 0.15s ease; }
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
    return 'adoptedStyleSheets' in root && typeof CSSStyleSheet !== 'undefined' && 'replaceSync' in CSSStyleSheet.prototype && Boolean(new CSSStyleSheet());
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
