/** Shapes shared by the loader and the lazily loaded panel; type-only, so they cost no bytes. */

export type WidgetPosition = 'bottom-right' | 'bottom-left';

export interface WidgetConfig {
  title: string;
  greeting: string;
  primaryColor: string;
  position: WidgetPosition;
  placeholder: string;
  starterPrompts: string[];
  avatarUrl: string | null;
}

export interface ChatSource {
  documentId: string;
  filename: string;
  chunkIndex: number;
  score: number;
  snippet: string;
  page?: number;
  /** Web pages: their title and URL. */
  title?: string | null;
  url?: string | null;
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
  | { type: 'done'; usage: ChatUsage | null }
  | { type: 'error'; code: string; message: string };

/** What the loader hands the panel chunk when it mounts it inside the shadow root. */
export interface PanelContext {
  /** The element inside the shadow root that carries the theme variables; the panel mounts here. */
  container: HTMLElement;
  shadowRoot: ShadowRoot;
  launcher: HTMLButtonElement;
  config: WidgetConfig;
  /** Null in a keyless dashboard preview: the panel shows the theme but cannot chat. */
  apiKey: string | null;
  apiBase: string;
  /** Called when the panel closes itself (close button, Esc) so the loader can update the launcher. */
  onClose: () => void;
}

export interface PanelController {
  open(): void;
  close(): void;
  applyConfig(config: WidgetConfig): void;
  isOpen(): boolean;
}

export type MountPanel = (context: PanelContext) => PanelController;
