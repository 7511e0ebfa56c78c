import { describe, expect, it } from 'vitest';
import { widgetConfigSchema } from './services/widgets';
import { DEFAULT_WIDGET_CONFIG, WIDGET_LIMITS, normalizeWidgetConfig } from './widget-config';

describe('the one widget configuration (core/widget-config.ts)', () => {
  it('has the same fields and defaults in the server schema as in the module the widget bundles', () => {
    expect(widgetConfigSchema.parse({})).toEqual(DEFAULT_WIDGET_CONFIG);
    expect(Object.keys(widgetConfigSchema.shape).sort()).toEqual(Object.keys(DEFAULT_WIDGET_CONFIG).sort());
    expect(normalizeWidgetConfig({})).toEqual(DEFAULT_WIDGET_CONFIG);
  });

  it('reads everything the server accepts unchanged in the widget', () => {
    const saved = widgetConfigSchema.parse({
      title: 'T'.repeat(WIDGET_LIMITS.title),
      greeting: 'Hello **there**',
      primaryColor: '#DB2777',
      position: 'bottom-left',
      placeholder: 'Ask',
      starterPrompts: ['One', 'Two', 'Three', 'Four'],
      avatarUrl: 'https://cdn.example.com/a.png',
      showSources: false,
      locale: 'ar',
      contactEnabled: true,
    });
    expect(normalizeWidgetConfig(JSON.parse(JSON.stringify(saved)))).toEqual({ ...saved, primaryColor: '#db2777' });
  });

  it('refuses on the server what the widget would silently drop', () => {
    for (const input of [
      { locale: 'ko' },
      { showSources: 'yes' },
      { contactEnabled: 1 },
      { title: 'T'.repeat(WIDGET_LIMITS.title + 1) },
      { starterPrompts: ['1', '2', '3', '4', '5'] },
      { primaryColor: 'red' },
    ]) {
      expect(widgetConfigSchema.safeParse(input).success, JSON.stringify(input)).toBe(false);
    }
  });

  it('lets the widget survive a tampered or older answer', () => {
    expect(
      normalizeWidgetConfig({
        locale: 'xx',
        showSources: 'no',
        contactEnabled: null,
        avatarUrl: 'javascript:alert(1)',
      }),
    ).toMatchObject({ locale: 'auto', showSources: true, contactEnabled: false, avatarUrl: null });
  });
});
