import type { Knex } from 'knex';
import { z } from 'zod';

const hexColor = z.string().trim().regex(/^#[0-9a-fA-F]{6}$/, 'Use a colour like #4f46e5.');
const safeHttpsUrl = z
  .string()
  .trim()
  .url()
  .max(500)
  .refine((value) => /^https?:\/\//i.test(value), 'Use an http(s) address.');

export const widgetConfigSchema = z.object({
  title: z.string().trim().min(1).max(60).default('Chat with us'),
  greeting: z.string().trim().max(500).default('Hi! Ask me anything about this site.'),
  primaryColor: hexColor.default('#4f46e5'),
  position: z.enum(['bottom-right', 'bottom-left']).default('bottom-right'),
  placeholder: z.string().trim().max(100).default('Type your question…'),
  starterPrompts: z.array(z.string().trim().min(1).max(100)).max(4).default([]),
  avatarUrl: safeHttpsUrl.nullable().default(null),
  showSources: z.boolean().default(true),
});

export type WidgetConfig = z.infer<typeof widgetConfigSchema>;
export const DEFAULT_WIDGET_CONFIG: WidgetConfig = widgetConfigSchema.parse({});

function parseStored(config: unknown): WidgetConfig {
  const raw = typeof config === 'string' ? JSON.parse(config) : (config ?? {});
  // Stored configs are merged over defaults, so fields added later get sensible values.
  const result = widgetConfigSchema.safeParse(raw);
  return result.success ? result.data : DEFAULT_WIDGET_CONFIG;
}

export async function getWidgetConfig(knex: Knex, { clientId }: { clientId: string }): Promise<WidgetConfig> {
  const row = await knex('widgets').where({ client_id: clientId }).first();
  return parseStored(row?.config);
}

export async function updateWidgetConfig(knex: Knex, { clientId, input }: { clientId: string; input: unknown }): Promise<WidgetConfig> {
  const current = await getWidgetConfig(knex, { clientId });
  const next = widgetConfigSchema.parse({ ...current, ...(typeof input === 'object' && input ? input : {}) });
  await knex('widgets')
    .insert({ client_id: clientId, config: JSON.stringify(next), updated_at: knex.fn.now() })
    .onConflict('client_id')
    .merge();
  return next;
}
