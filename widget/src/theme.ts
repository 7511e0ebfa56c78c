import { AA_TEXT_CONTRAST, adjustForContrast, parseHexColor, readableTextColor, toHex } from './contrast';
import { DEFAULT_PRIMARY_COLOR, normalizeWidgetConfig, type WidgetConfig } from '../../core/widget-config';

export { DEFAULT_PRIMARY_COLOR, normalizeWidgetConfig, safeHttpUrl } from '../../core/widget-config';
export const MAX_STARTER_PROMPTS = 4;

/** The palest surface primary-coloured text sits on (the conversation background). */
const LIGHTEST_SURFACE = { r: 241, g: 245, b: 249 };

/** Merges a partial override (dashboard preview) over a base configuration. */
export function mergeWidgetConfig(base: WidgetConfig, override: unknown): WidgetConfig {
  if (!override || typeof override !== 'object') return base;
  return normalizeWidgetConfig({ ...base, ...(override as Record<string, unknown>) });
}

/** CSS custom properties that carry the tenant's theme into the shadow root's stylesheet. */
export function themeVariables(config: WidgetConfig): Record<string, string> {
  const primary =
    parseHexColor(config.primaryColor) ??
    (parseHexColor(DEFAULT_PRIMARY_COLOR) as NonNullable<ReturnType<typeof parseHexColor>>);
  const accent = adjustForContrast(primary, LIGHTEST_SURFACE, AA_TEXT_CONTRAST);
  const onPrimary = readableTextColor(primary);
  return {
    '--cc-primary': toHex(primary),
    '--cc-on-primary': onPrimary,
    '--cc-on-primary-soft': onPrimary === '#ffffff' ? 'rgba(255, 255, 255, 0.2)' : 'rgba(15, 23, 42, 0.1)',
    '--cc-accent': toHex(accent),
    '--cc-accent-soft': `rgba(${accent.r}, ${accent.g}, ${accent.b}, 0.1)`,
  };
}
