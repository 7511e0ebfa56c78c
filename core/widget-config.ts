/**
 * The widget configuration, once for everyone: its fields, defaults and limits, and a lenient
 * normaliser. The dashboard's editor, the API (core/services/widgets.ts builds its zod schema from
 * these limits and defaults) and the embedded widget (widget/src/theme.ts) all import this file, so a
 * setting the dashboard shows always reaches the widget.
 *
 * It has no imports and no dependencies on purpose: the widget bundles it, and the widget's size
 * budget (widget/build.ts) has no room for zod. Strict validation (errors for the admin) happens
 * server-side; `normalizeWidgetConfig` is the forgiving reader the widget uses for whatever arrives.
 */

export type WidgetPosition = 'bottom-right' | 'bottom-left';

/**
 * Languages the widget's own strings come in (ISO 639-1). `auto` follows the visitor's browser
 * (`navigator.languages`), falling back to English.
 */
export const WIDGET_LOCALES = ['en', 'es', 'fr', 'de', 'pt', 'ar', 'zh', 'ja'] as const;
export type WidgetLocale = (typeof WIDGET_LOCALES)[number];
export type WidgetLocaleSetting = 'auto' | WidgetLocale;
/** Languages written right to left among WIDGET_LOCALES. */
export const RTL_LOCALES: readonly WidgetLocale[] = ['ar'];
/** Names shown in the dashboard's language picker, each in its own language. */
export const LOCALE_NAMES: Record<WidgetLocale, string> = {
  en: 'English',
  es: 'Español',
  fr: 'Français',
  de: 'Deutsch',
  pt: 'Português',
  ar: 'العربية',
  zh: '中文',
  ja: '日本語',
};

export interface WidgetConfig {
  /** Panel header and the launcher's name. Equal to the default: shown in the visitor's language instead. */
  title: string;
  /** First message of every conversation (markdown subset). Equal to the default: localised. */
  greeting: string;
  /** `#rrggbb`. */
  primaryColor: string;
  position: WidgetPosition;
  /** Message box placeholder. Equal to the default: localised. */
  placeholder: string;
  /** Up to MAX_STARTER_PROMPTS suggested first questions. */
  starterPrompts: string[];
  /** An http(s) image, or null for the title's initial. */
  avatarUrl: string | null;
  /** Whether answers show the documents they came from (chips and `[n]` citations). */
  showSources: boolean;
  /** The language of the widget's own strings; `auto` = the visitor's browser language. */
  locale: WidgetLocaleSetting;
  /** Whether visitors are offered the "talk to a person" form (POST /chat/contact). */
  contactEnabled: boolean;
}

/** Lengths in characters; the server refuses longer values, the widget cuts them. */
export const WIDGET_LIMITS = {
  title: 60,
  greeting: 500,
  placeholder: 100,
  starterPrompt: 100,
  starterPrompts: 4,
  avatarUrl: 500,
} as const;

export const DEFAULT_PRIMARY_COLOR = '#4f46e5';

/** English defaults. A text field equal to its default is replaced by the visitor's language's text. */
export const DEFAULT_WIDGET_CONFIG: Readonly<WidgetConfig> = Object.freeze({
  title: 'Chat with us',
  greeting: 'Hi! Ask me anything about this site.',
  primaryColor: DEFAULT_PRIMARY_COLOR,
  position: 'bottom-right',
  placeholder: 'Type your question…',
  starterPrompts: [],
  avatarUrl: null,
  showSources: true,
  locale: 'auto',
  contactEnabled: false,
});

/** The fields a tenant writes whose defaults are translated for visitors. */
export const LOCALISED_TEXT_FIELDS = ['title', 'greeting', 'placeholder'] as const;

const HEX_COLOR = /^#[0-9a-fA-F]{6}$/;

export function isHexColor(value: unknown): value is string {
  return typeof value === 'string' && HEX_COLOR.test(value.trim());
}

export function isWidgetLocale(value: unknown): value is WidgetLocale {
  return typeof value === 'string' && (WIDGET_LOCALES as readonly string[]).includes(value);
}

/** Only http(s) images: a `javascript:` or `data:` avatar from a tampered config is dropped. */
export function safeHttpUrl(value: unknown): string | null {
  if (typeof value !== 'string' || !value.trim()) return null;
  try {
    const url = new URL(value.trim());
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

function text(value: unknown, fallback: string, maxLength: number): string {
  if (typeof value !== 'string') return fallback;
  const trimmed = value.trim();
  return trimmed ? trimmed.slice(0, maxLength) : fallback;
}

/**
 * Reads any value (a stored row, the API's answer, a dashboard preview's partial) into a complete,
 * valid configuration: unknown fields are dropped, missing or invalid ones take their default,
 * long texts are cut to WIDGET_LIMITS. Never throws.
 */
export function normalizeWidgetConfig(raw: unknown): WidgetConfig {
  const source = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const defaults = DEFAULT_WIDGET_CONFIG;
  const prompts = Array.isArray(source.starterPrompts) ? source.starterPrompts : [];
  return {
    title: text(source.title, defaults.title, WIDGET_LIMITS.title),
    greeting: text(source.greeting, defaults.greeting, WIDGET_LIMITS.greeting),
    primaryColor: isHexColor(source.primaryColor) ? source.primaryColor.trim().toLowerCase() : defaults.primaryColor,
    position: source.position === 'bottom-left' ? 'bottom-left' : 'bottom-right',
    placeholder: text(source.placeholder, defaults.placeholder, WIDGET_LIMITS.placeholder),
    starterPrompts: prompts
      .filter((prompt): prompt is string => typeof prompt === 'string' && prompt.trim() !== '')
      .map((prompt) => prompt.trim().slice(0, WIDGET_LIMITS.starterPrompt))
      .slice(0, WIDGET_LIMITS.starterPrompts),
    avatarUrl: safeHttpUrl(source.avatarUrl),
    showSources: typeof source.showSources === 'boolean' ? source.showSources : defaults.showSources,
    locale: source.locale === 'auto' || isWidgetLocale(source.locale) ? source.locale : defaults.locale,
    contactEnabled: typeof source.contactEnabled === 'boolean' ? source.contactEnabled : defaults.contactEnabled,
  };
}
