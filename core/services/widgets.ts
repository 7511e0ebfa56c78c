import type { Knex } from 'knex';
import { z } from 'zod';
import {
  DEFAULT_WIDGET_CONFIG,
  WIDGET_LIMITS,
  WIDGET_LOCALES,
  normalizeWidgetConfig,
  type WidgetConfig,
} from '../widget-config';

export type { WidgetConfig } from '../widget-config';
export { DEFAULT_WIDGET_CONFIG } from '../widget-config';

const hexColor = z
  .string()
  .trim()
  .regex(/^#[0-9a-fA-F]{6}$/, 'Use a colour like #4f46e5.');
const safeHttpsUrl = z
  .string()
  .trim()
  .url()
  .max(WIDGET_LIMITS.avatarUrl)
  .refine((value) => /^https?:\/\//i.test(value), 'Use an http(s) address.');

/**
 * Strict validation of an admin's widget settings (dashboard and API). Fields, defaults and limits
 * come from core/widget-config.ts, the module the widget itself bundles; a test keeps the two in step.
 */
export const widgetConfigSchema = z.object({
  title: z.string().trim().min(1).max(WIDGET_LIMITS.title).default(DEFAULT_WIDGET_CONFIG.title),
  greeting: z.string().trim().max(WIDGET_LIMITS.greeting).default(DEFAULT_WIDGET_CONFIG.greeting),
  primaryColor: hexColor.default(DEFAULT_WIDGET_CONFIG.primaryColor),
  position: z.enum(['bottom-right', 'bottom-left']).default(DEFAULT_WIDGET_CONFIG.position),
  placeholder: z.string().trim().max(WIDGET_LIMITS.placeholder).default(DEFAULT_WIDGET_CONFIG.placeholder),
  starterPrompts: z
    .array(z.string().trim().min(1).max(WIDGET_LIMITS.starterPrompt))
    .max(WIDGET_LIMITS.starterPrompts)
    .default([]),
  avatarUrl: safeHttpsUrl.nullable().default(DEFAULT_WIDGET_CONFIG.avatarUrl),
  showSources: z.boolean().default(DEFAULT_WIDGET_CONFIG.showSources),
  locale: z.enum(['auto', ...WIDGET_LOCALES]).default(DEFAULT_WIDGET_CONFIG.locale),
  contactEnabled: z.boolean().default(DEFAULT_WIDGET_CONFIG.contactEnabled),
}) satisfies z.ZodType<WidgetConfig, z.ZodTypeDef, unknown>;

/**
 * A stored row as a complete configuration: fields added since it was saved take their defaults, and
 * a row that no longer validates keeps every field that still reads (never a silent reset of all).
 */
function parseStored(config: unknown): WidgetConfig {
  let raw: unknown = config ?? {};
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw);
    } catch {
      raw = {};
    }
  }
  const result = widgetConfigSchema.safeParse(raw);
  return result.success ? result.data : normalizeWidgetConfig(raw);
}

export async function getWidgetConfig(knex: Knex, { clientId }: { clientId: string }): Promise<WidgetConfig> {
  const row = await knex('widgets').where({ client_id: clientId }).first();
  return parseStored(row?.config);
}

/** Merges `input` (any subset of the fields) over the stored configuration; throws ZodError on invalid input. */
export async function updateWidgetConfig(
  knex: Knex,
  { clientId, input }: { clientId: string; input: unknown },
): Promise<WidgetConfig> {
  const current = await getWidgetConfig(knex, { clientId });
  const next = widgetConfigSchema.parse({ ...current, ...(typeof input === 'object' && input ? input : {}) });
  await knex('widgets')
    .insert({ client_id: clientId, config: JSON.stringify(next), updated_at: knex.fn.now() })
    .onConflict('client_id')
    .merge();
  return next;
}
