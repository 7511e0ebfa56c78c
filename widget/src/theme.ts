import { AA_TEXT_CONTRAST, adjustForContrast, parseHexColor, readableTextColor, toHex } from './contrast';
import type { WidgetConfig } from './types';

export const DEFAULT_PRIMARY_COLOR = '#2563eb';
export const MAX_STARTER_PROMPTS = 4;

/** The palest surface primary-coloured text sits on (the conversation background). */
const LIGHTEST_SURFACE = { r: 241, g: 245, b: 249 };

function text(value: unknown, fallback: string, maxLength: number): string {
  if (typeof value !== 'string') return fallback;
  const trimmed = value.trim();
  return trimmed ? trimmed.slice(0, maxLength) : fallback;
}

/** Only http(s) images: a `javascript:` or `data:` avatar from a tampered config is dropped. */
export function safeHttpUrl(value: unknown): string | null {
  if (typeof value !== 'string' || !value) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * Accepts whatever `/api/widget/config` (or a dashboard preview) sent and returns a complete,
 * valid configuration: the server may add fields later or omit optional ones.
 */
export function normalizeWidgetConfig(raw: unknown): WidgetConfig {
  const source = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const color = typeof source.primaryColor === 'string' && parseHexColor(source.primaryColor) ? source.primaryColor.trim() : DEFAULT_PRIMARY_COLOR;
  const prompts = Array.isArray(source.starterPrompts) ? source.starterPrompts : [];
  return {
    title: text(source.title, 'Chat with us', 80),
    greeting: text(source.greeting, 'Hi! How can I help you today?', 500),
    primaryColor: color.toLowerCase(),
    position: source.position === 'bottom-left' ? 'bottom-left' : 'bottom-right',
    placeholder: text(source.placeholder, 'Type your question…', 120),
    starterPrompts: prompts
      .filter((prompt): prompt is string => typeof prompt === 'string' && prompt.trim() !== '')
      .map((prompt) => prompt.trim().slice(0, 200))
      .slice(0, MAX_STARTER_PROMPTS),
    avatarUrl: safeHttpUrl(source.avatarUrl),
  };
}

/** Merges a partial override (dashboard preview) over a base configuration. */
export function mergeWidgetConfig(base: WidgetConfig, override: unknown): WidgetConfig {
  if (!override || typeof override !== 'object') return base;
  return normalizeWidgetConfig({ ...base, ...(override as Record<string, unknown>) });
}

/** CSS custom properties that carry the tenant's theme into the shadow root's stylesheet. */
export function themeVariables(config: WidgetConfig): Record<string, string> {
  const primary = parseHexColor(config.primaryColor) ?? (parseHexColor(DEFAULT_PRIMARY_COLOR) as NonNullable<ReturnType<typeof parseHexColor>>);
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
