import { describe, expect, it } from 'vitest';
import {
  AA_TEXT_CONTRAST,
  adjustForContrast,
  contrastRatio,
  parseHexColor,
  readableTextColor,
  relativeLuminance,
  toHex,
} from './contrast';
import { DEFAULT_PRIMARY_COLOR, mergeWidgetConfig, normalizeWidgetConfig, themeVariables } from './theme';

const white = { r: 255, g: 255, b: 255 };
const black = { r: 0, g: 0, b: 0 };

function hex(value: string) {
  const parsed = parseHexColor(value);
  if (!parsed) throw new Error(`bad colour ${value}`);
  return parsed;
}

describe('contrast math', () => {
  it('parses short and long hex colours and rejects anything else', () => {
    expect(parseHexColor('#fff')).toEqual(white);
    expect(parseHexColor(' #1A2b3C ')).toEqual({ r: 26, g: 43, b: 60 });
    for (const bad of ['fff', '#ffff', 'red', 'rgb(0,0,0)', '#ggg', '']) expect(parseHexColor(bad)).toBeNull();
    expect(toHex({ r: 26, g: 43, b: 60 })).toBe('#1a2b3c');
  });

  it('matches the WCAG reference values', () => {
    expect(relativeLuminance(white)).toBeCloseTo(1, 6);
    expect(relativeLuminance(black)).toBe(0);
    expect(contrastRatio(white, black)).toBeCloseTo(21, 6);
    expect(contrastRatio(hex('#777777'), white)).toBeCloseTo(4.48, 2);
    expect(contrastRatio(hex('#767676'), white)).toBeCloseTo(4.54, 2);
    expect(contrastRatio(hex('#2563eb'), white)).toBeCloseTo(5.17, 2);
  });

  it('picks white on dark colours and dark ink on light ones', () => {
    expect(readableTextColor(hex('#1e3a8a'))).toBe('#ffffff');
    expect(readableTextColor(hex('#fde047'))).toBe('#0f172a');
    expect(readableTextColor(hex('#ffffff'))).toBe('#0f172a');
  });

  it('reaches AA text contrast on every brand colour of a 4096-colour sweep', () => {
    for (let r = 0; r < 256; r += 17) {
      for (let g = 0; g < 256; g += 17) {
        for (let b = 0; b < 256; b += 17) {
          const background = { r, g, b };
          const text = hex(readableTextColor(background));
          expect(contrastRatio(background, text), toHex(background)).toBeGreaterThanOrEqual(AA_TEXT_CONTRAST);
        }
      }
    }
  });

  it('darkens pale colours until they read on a light surface, keeping good ones as they are', () => {
    const surface = hex('#f1f5f9');
    const pale = adjustForContrast(hex('#fde047'), surface, AA_TEXT_CONTRAST);
    expect(contrastRatio(pale, surface)).toBeGreaterThanOrEqual(AA_TEXT_CONTRAST);
    expect(pale.r).toBeGreaterThan(pale.b);
    expect(adjustForContrast(hex('#1e3a8a'), surface, AA_TEXT_CONTRAST)).toEqual(hex('#1e3a8a'));
    const onDark = adjustForContrast(hex('#1e3a8a'), black, AA_TEXT_CONTRAST);
    expect(contrastRatio(onDark, black)).toBeGreaterThanOrEqual(AA_TEXT_CONTRAST);
  });
});

describe('widget theme', () => {
  it('fills every field with a sane default', () => {
    expect(normalizeWidgetConfig(null)).toEqual({
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
  });

  it('keeps valid values and drops invalid colours, positions, prompts and avatar URLs', () => {
    const config = normalizeWidgetConfig({
      title: '  Acme help  ',
      primaryColor: 'red; background: url(x)',
      position: 'top-left',
      starterPrompts: ['One', 2, ' ', 'Two', 'Three', 'Four', 'Five'],
      avatarUrl: 'javascript:alert(1)',
      extraField: true,
    });
    expect(config.title).toBe('Acme help');
    expect(config.primaryColor).toBe(DEFAULT_PRIMARY_COLOR);
    expect(config.position).toBe('bottom-right');
    expect(config.starterPrompts).toEqual(['One', 'Two', 'Three', 'Four']);
    expect(config.avatarUrl).toBeNull();
    expect(
      normalizeWidgetConfig({ avatarUrl: 'https://cdn.example.com/a.png', position: 'bottom-left' }),
    ).toMatchObject({ avatarUrl: 'https://cdn.example.com/a.png', position: 'bottom-left' });
  });

  it('merges preview overrides over the saved configuration', () => {
    const saved = normalizeWidgetConfig({ title: 'Saved', primaryColor: '#111111' });
    expect(mergeWidgetConfig(saved, { primaryColor: '#fde047' })).toMatchObject({
      title: 'Saved',
      primaryColor: '#fde047',
    });
    expect(mergeWidgetConfig(saved, 'nonsense')).toBe(saved);
  });

  it('derives readable theme colours from the brand colour', () => {
    const yellow = themeVariables(normalizeWidgetConfig({ primaryColor: '#FDE047' }));
    expect(yellow['--cc-primary']).toBe('#fde047');
    expect(yellow['--cc-on-primary']).toBe('#0f172a');
    expect(contrastRatio(hex(yellow['--cc-accent']), hex('#f1f5f9'))).toBeGreaterThanOrEqual(AA_TEXT_CONTRAST);
    const navy = themeVariables(normalizeWidgetConfig({ primaryColor: '#1e3a8a' }));
    expect(navy['--cc-on-primary']).toBe('#ffffff');
    expect(navy['--cc-accent']).toBe('#1e3a8a');
  });
});

describe('fixed colours of the widget stylesheet', () => {
  // Text colour, the lightest background it sits on, and where it is used.
  const pairs: Array<[string, string, string]> = [
    ['#0f172a', '#f1f5f9', 'body text, inline code'],
    ['#334155', '#ffffff', 'source chips, quotes'],
    ['#475569', '#f8fafc', '"Sources" label'],
    ['#64748b', '#ffffff', 'placeholder, page numbers, footer, disabled send icon on #e2e8f0 is exempt'],
    ['#b91c1c', '#f8fafc', 'error notices'],
    ['#e2e8f0', '#0f172a', 'code blocks'],
  ];

  it.each(pairs)('%s on %s (%s) meets AA', async (text, background) => {
    const { launcherCss, panelCss } = await import('./styles');
    expect(`${launcherCss}${panelCss}`).toContain(text);
    expect(contrastRatio(hex(text), hex(background))).toBeGreaterThanOrEqual(AA_TEXT_CONTRAST);
  });
});
