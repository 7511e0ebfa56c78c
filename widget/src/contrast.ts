/**
 * WCAG 2.x contrast math. Tenants pick any brand colour, so every colour drawn on top of it
 * (header text, user bubble text, launcher icon) is chosen here to meet AA (4.5:1 for text).
 */

export interface Rgb {
  r: number;
  g: number;
  b: number;
}

export const AA_TEXT_CONTRAST = 4.5;

const WHITE: Rgb = { r: 255, g: 255, b: 255 };
const INK = '#0f172a';

/** Accepts `#rgb` and `#rrggbb` only: tenants enter colours in the dashboard's colour picker. */
export function parseHexColor(value: string): Rgb | null {
  const match = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(value.trim());
  if (!match) return null;
  let hex = match[1];
  if (hex.length === 3) hex = hex.replace(/./g, (digit) => digit + digit);
  const packed = Number.parseInt(hex, 16);
  return { r: (packed >> 16) & 255, g: (packed >> 8) & 255, b: packed & 255 };
}

export function toHex({ r, g, b }: Rgb): string {
  return `#${[r, g, b].map((channel) => Math.round(channel).toString(16).padStart(2, '0')).join('')}`;
}

function linearChannel(channel: number): number {
  const srgb = channel / 255;
  return srgb <= 0.04045 ? srgb / 12.92 : ((srgb + 0.055) / 1.055) ** 2.4;
}

export function relativeLuminance({ r, g, b }: Rgb): number {
  return 0.2126 * linearChannel(r) + 0.7152 * linearChannel(g) + 0.0722 * linearChannel(b);
}

export function contrastRatio(first: Rgb, second: Rgb): number {
  const a = relativeLuminance(first);
  const b = relativeLuminance(second);
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

/**
 * White or near-black text, whichever reads better on `background`; pure black when neither
 * reaches AA (white and black together always leave one side above 4.58:1).
 */
export function readableTextColor(background: Rgb): string {
  const ink = parseHexColor(INK) as Rgb;
  const onWhite = contrastRatio(background, WHITE);
  const onInk = contrastRatio(background, ink);
  if (onWhite >= onInk) return onWhite >= AA_TEXT_CONTRAST ? '#ffffff' : '#000000';
  return onInk >= AA_TEXT_CONTRAST ? INK : '#000000';
}

/**
 * Darkens (or lightens) `color` step by step until it reaches `minimum` against `background`,
 * keeping its hue, so a pale brand colour can still be used for links and outlines.
 */
export function adjustForContrast(color: Rgb, background: Rgb, minimum: number): Rgb {
  if (contrastRatio(color, background) >= minimum) return color;
  const towardBlack = relativeLuminance(background) > 0.18;
  const target = towardBlack ? { r: 0, g: 0, b: 0 } : WHITE;
  for (let step = 1; step <= 20; step += 1) {
    const mix = step / 20;
    const candidate = {
      r: color.r + (target.r - color.r) * mix,
      g: color.g + (target.g - color.g) * mix,
      b: color.b + (target.b - color.b) * mix,
    };
    const rounded = { r: Math.round(candidate.r), g: Math.round(candidate.g), b: Math.round(candidate.b) };
    if (contrastRatio(rounded, background) >= minimum) return rounded;
  }
  return target;
}
