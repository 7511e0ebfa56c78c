/** Shapes shared by the loader and the lazily loaded panel; type-only, so they cost no bytes. */
import type { WidgetConfig, WidgetLocale } from '../../core/widget-config';
import type { UiStrings } from './i18n/en';

export type { WidgetConfig, WidgetPosition } from '../../core/widget-config';

export interface ChatSource {
  documentId: string;
  filename: string;
  chunkIndex: number;
  score: number;
  snippet: string;
  page?: number;
}

export interface ChatUsage {
  model?: string;
  tokensIn?: number;
  tokensOut?: number;
}

export type ChatStreamEvent =
  | { type: 'meta'; sessionId: string; messageId: string }
  | { type: 'token'; text: string }
  | { type: 'sources'; sources: ChatSource[] }
  /** `grounded` is absent from servers older than the contract's `done {usage, grounded}`. */
  | { type: 'done'; usage: ChatUsage | null; grounded?: boolean }
  | { type: 'error'; code: string; message: string };

/** What the loader hands the panel chunk when it mounts it inside the shadow root. */
export interface PanelContext {
  /** The element inside the shadow root that carries the theme variables; the panel mounts here. */
  container: HTMLElement;
  shadowRoot: ShadowRoot;
  launcher: HTMLButtonElement;
  /** The configuration with the tenant's default texts already in the widget's language. */
  config: WidgetConfig;
  /** The widget's own strings in its language (English where a translation lacks one). */
  strings: UiStrings;
  locale: WidgetLocale;
  /** Null in a keyless dashboard preview: the panel shows the theme but cannot chat. */
  apiKey: string | null;
  apiBase: string;
  /** Called when the panel closes itself (close button, Esc) so the loader can update the launcher. */
  onClose: () => void;
}

export interface PanelController {
  open(): void;
  close(): void;
  applyConfig(config: WidgetConfig, strings?: UiStrings): void;
  isOpen(): boolean;
  /** The element was put back into a (new) document body: re-apply page-level effects (inert, scroll lock). */
  reattached(): void;
}

export type MountPanel = (context: PanelContext) => PanelController;
