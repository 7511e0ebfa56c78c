/**
 * Which language the widget speaks and how it writes it. Small and dependency-free: it runs in
 * the loader, before any translation file is fetched.
 */
import {
  DEFAULT_WIDGET_CONFIG,
  RTL_LOCALES,
  WIDGET_LOCALES,
  type WidgetConfig,
  type WidgetLocale,
  type WidgetLocaleSetting,
} from '../../../core/widget-config';
import type { UiStrings } from './en';

/**
 * The site's `locale` setting wins; with `auto`, the first of the visitor's languages
 * (`navigator.languages`, BCP 47 tags such as `pt-BR` or `zh-Hant-TW`) whose primary subtag the
 * widget has; English when none does.
 */
export function resolveLocale(setting: WidgetLocaleSetting, languages: readonly string[]): WidgetLocale {
  if (setting !== 'auto') return setting;
  for (const tag of languages) {
    const primary = tag.toLowerCase().split(/[-_]/)[0];
    const match = WIDGET_LOCALES.find((locale) => locale === primary);
    if (match) return match;
  }
  return 'en';
}

export function textDirection(locale: WidgetLocale): 'rtl' | 'ltr' {
  return RTL_LOCALES.includes(locale) ? 'rtl' : 'ltr';
}

/** The visitor's languages as the browser reports them, most preferred first. */
export function browserLanguages(): string[] {
  const list = typeof navigator !== 'undefined' ? navigator.languages : undefined;
  if (list && list.length) return [...list];
  return typeof navigator !== 'undefined' && navigator.language ? [navigator.language] : [];
}

/**
 * The tenant's own texts take precedence; a text left at its (English) default is shown in the
 * widget's language instead.
 */
export function localiseConfig(config: WidgetConfig, strings: UiStrings): WidgetConfig {
  return {
    ...config,
    title: config.title === DEFAULT_WIDGET_CONFIG.title ? strings.defaultTitle : config.title,
    greeting: config.greeting === DEFAULT_WIDGET_CONFIG.greeting ? strings.defaultGreeting : config.greeting,
    placeholder:
      config.placeholder === DEFAULT_WIDGET_CONFIG.placeholder ? strings.defaultPlaceholder : config.placeholder,
  };
}
