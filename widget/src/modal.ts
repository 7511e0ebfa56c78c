/**
 * The phone layout (≤ 480 px): the open panel fills the screen and is a modal dialog. The page
 * behind is made `inert` (not focusable, not clickable, hidden from screen readers), its scroll is
 * locked, and Tab / Shift+Tab cycle inside the panel. Everything is undone on close or when the
 * screen widens, restoring exactly what the page had (elements the page made inert itself stay so).
 */

export const PHONE_MEDIA_QUERY = '(max-width: 480px)';

const FOCUSABLE =
  'a[href], button:not([disabled]), textarea:not([disabled]), input:not([disabled]), select:not([disabled]), [tabindex]:not([tabindex="-1"])';

export interface PageLock {
  /** Makes everything in the page's body except `host` inert and locks the page's scroll. */
  engage(): void;
  release(): void;
  engaged(): boolean;
}

/** `host` is the widget's element (a child of `<body>`). */
export function createPageLock(host: HTMLElement): PageLock {
  const doc = host.ownerDocument;
  let madeInert: Element[] = [];
  let savedOverflow: Array<[HTMLElement, string, string]> = [];
  let active = false;

  return {
    engage() {
      if (active) this.release();
      active = true;
      const body = doc.body;
      if (!body) return;
      for (const child of Array.from(body.children)) {
        if (child === host || child.hasAttribute('inert') || child.tagName === 'SCRIPT') continue;
        child.setAttribute('inert', '');
        madeInert.push(child);
      }
      // CSSOM writes: allowed under any style-src, unlike a style attribute.
      for (const element of [doc.documentElement, body]) {
        savedOverflow.push([
          element,
          element.style.getPropertyValue('overflow'),
          element.style.getPropertyPriority('overflow'),
        ]);
        element.style.setProperty('overflow', 'hidden', 'important');
      }
    },
    release() {
      if (!active) return;
      active = false;
      for (const element of madeInert) element.removeAttribute('inert');
      madeInert = [];
      for (const [element, value, priority] of savedOverflow) {
        if (value) element.style.setProperty('overflow', value, priority);
        else element.style.removeProperty('overflow');
      }
      savedOverflow = [];
    },
    engaged: () => active,
  };
}

/** Keeps Tab and Shift+Tab inside `container` (a panel in a shadow root). Returns true when it moved focus. */
export function trapTab(event: KeyboardEvent, container: HTMLElement): boolean {
  if (event.key !== 'Tab') return false;
  const focusable = Array.from(container.querySelectorAll<HTMLElement>(FOCUSABLE)).filter(
    (element) => !element.closest('[hidden]') && element.getClientRects().length > 0,
  );
  if (!focusable.length) return false;
  const root = container.getRootNode() as ShadowRoot | Document;
  const current = root.activeElement;
  const first = focusable[0];
  const last = focusable[focusable.length - 1];
  const inside = current instanceof HTMLElement && container.contains(current);
  if (event.shiftKey && (!inside || current === first)) {
    event.preventDefault();
    last.focus();
    return true;
  }
  if (!event.shiftKey && (!inside || current === last)) {
    event.preventDefault();
    first.focus();
    return true;
  }
  return false;
}

export interface PhoneLayout {
  /** The panel opened or closed (or the element moved to a new body): apply or undo the modal effects. */
  sync(open: boolean): void;
  /** Tab handling for the panel's keydown: traps focus while modal. Returns true when it handled the key. */
  keydown(event: KeyboardEvent): boolean;
}

/**
 * The panel's phone behaviour: sized to the visual viewport while open (so the on-screen keyboard
 * never covers the composer), modal (page inert, scroll locked, Tab trapped) at ≤ 480 px, and
 * back to a non-modal popover when the screen widens.
 */
export function createPhoneLayout(container: HTMLElement, panel: HTMLElement, host: HTMLElement): PhoneLayout {
  const view = container.ownerDocument.defaultView ?? window;
  const phone = view.matchMedia?.(PHONE_MEDIA_QUERY);
  const pageLock = createPageLock(host);
  const visualViewport = view.visualViewport;
  let open = false;
  const fitToViewport = (): void => {
    if (!visualViewport) return;
    container.style.setProperty('--cc-viewport-height', `${visualViewport.height}px`);
    container.style.setProperty('--cc-viewport-top', `${visualViewport.offsetTop}px`);
    container.classList.toggle('keyboard', visualViewport.height < view.innerHeight * 0.75);
  };
  const syncModal = (): void => {
    const modal = open && Boolean(phone?.matches);
    panel.setAttribute('aria-modal', String(modal));
    if (modal) pageLock.engage();
    else pageLock.release();
  };
  phone?.addEventListener?.('change', syncModal);
  return {
    sync(nextOpen) {
      if (nextOpen && !open && visualViewport) {
        fitToViewport();
        visualViewport.addEventListener('resize', fitToViewport);
        visualViewport.addEventListener('scroll', fitToViewport);
      } else if (!nextOpen && open) {
        visualViewport?.removeEventListener('resize', fitToViewport);
        visualViewport?.removeEventListener('scroll', fitToViewport);
      }
      open = nextOpen;
      syncModal();
    },
    keydown(event) {
      return event.key === 'Tab' && pageLock.engaged() ? (trapTab(event, panel), true) : false;
    },
  };
}
