import { describe, expect, it } from 'vitest';
import { DEFAULT_WIDGET_CONFIG, WIDGET_LOCALES, normalizeWidgetConfig } from '../../../core/widget-config';
import { EN, formatString, type UiStrings } from './en';
import { localiseConfig, resolveLocale, textDirection } from './locale';

const translations = import.meta.glob<{ STRINGS: UiStrings }>('./[a-z][a-z].ts', { eager: true });

const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe('widget strings', () => {
  it('has a file for every language but English, each with every string and the same placeholders', () => {
    const languages = Object.keys(translations)
      .map((file) => file.slice(2, 4))
      .filter((language) => language !== 'en')
      .sort();
    expect(languages).toEqual(WIDGET_LOCALES.filter((locale) => locale !== 'en').sort());
    for (const [file, { STRINGS }] of Object.entries(translations)) {
      if (file === './en.ts') continue;
      expect(Object.keys(STRINGS).sort(), file).toEqual(Object.keys(EN).sort());
      for (const key of Object.keys(EN) as Array<keyof UiStrings>) {
        expect(placeholders(STRINGS[key]), `${file} ${key}`).toEqual(placeholders(EN[key]));
        expect(STRINGS[key].trim(), `${file} ${key}`).not.toBe('');
      }
    }
  });

  it('picks the site setting, else the first browser language it has, else English', () => {
    expect(resolveLocale('fr', ['de-DE'])).toBe('fr');
    expect(resolveLocale('auto', ['pt-BR', 'en'])).toBe('pt');
    expect(resolveLocale('auto', ['ko-KR', 'zh-Hant-TW', 'en'])).toBe('zh');
    expect(resolveLocale('auto', ['ko', 'sv'])).toBe('en');
    expect(resolveLocale('auto', [])).toBe('en');
    expect(textDirection('ar')).toBe('rtl');
    expect(textDirection('ja')).toBe('ltr');
  });

  it('translates only texts the tenant left at their defaults', () => {
    const strings = {
      ...EN,
      defaultTitle: 'Chatea con nosotros',
      defaultGreeting: '¡Hola!',
      defaultPlaceholder: 'Escribe…',
    };
    expect(localiseConfig(normalizeWidgetConfig({}), strings)).toMatchObject({
      title: 'Chatea con nosotros',
      greeting: '¡Hola!',
      placeholder: 'Escribe…',
    });
    expect(
      localiseConfig(normalizeWidgetConfig({ title: 'Olive help', greeting: DEFAULT_WIDGET_CONFIG.greeting }), strings),
    ).toMatchObject({ title: 'Olive help', greeting: '¡Hola!' });
    expect(formatString('{count} / {max}', { count: 3, max: 2000 })).toBe('3 / 2000');
  });
});
