import { normalizeWidgetConfig } from './theme';
import type { WidgetConfig } from './types';

export type ConfigFailureReason =
  'invalid_key' | 'origin_not_allowed' | 'unreachable' | 'server_error' | 'bad_response';

export type ConfigResult =
  | { ok: true; config: WidgetConfig }
  | { ok: false; reason: ConfigFailureReason; status: number | null; retryable: boolean; warning: string };

export interface LoadConfigOptions {
  apiBase: string;
  apiKey: string;
  pageOrigin: string;
  fetchImpl?: typeof fetch;
}

/** Shows enough of a key for the site owner to recognise it without echoing it whole into logs. */
export function maskKey(apiKey: string): string {
  return apiKey.length > 12 ? `${apiKey.slice(0, 12)}…` : apiKey;
}

/** Messages for the site owner (browser console): what failed and where to fix it. */
function failure(reason: ConfigFailureReason, status: number | null, options: LoadConfigOptions): ConfigResult {
  const prefix = 'ChatConnect widget:';
  const hidden = 'The chat launcher stays hidden.';
  const warnings: Record<ConfigFailureReason, string> = {
    invalid_key: `${prefix} the API key ${maskKey(options.apiKey)} was rejected (HTTP 401). Check the data-api-key attribute of the widget <script> tag against the key in your ChatConnect dashboard. ${hidden}`,
    origin_not_allowed: `${prefix} this page's origin ${options.pageOrigin} is not in the allowed domains of this API key (HTTP 403). Add it under Allowed domains in your ChatConnect dashboard. ${hidden}`,
    unreachable: `${prefix} could not reach ${options.apiBase} to load the widget configuration (offline, blocked by a Content-Security-Policy connect-src, or a CORS refusal for origin ${options.pageOrigin}). ${hidden}`,
    server_error: `${prefix} the configuration request failed (HTTP ${status}). ${hidden}`,
    bad_response: `${prefix} the configuration response was not the expected JSON. ${hidden}`,
  };
  const retryable = reason === 'unreachable' || reason === 'server_error';
  return { ok: false, reason, status, retryable, warning: warnings[reason] };
}

export async function loadWidgetConfig(options: LoadConfigOptions): Promise<ConfigResult> {
  const fetchImpl = options.fetchImpl ?? fetch;
  let response: Response;
  try {
    response = await fetchImpl(new URL('/api/widget/config', options.apiBase).href, {
      headers: { 'x-api-key': options.apiKey, accept: 'application/json' },
      credentials: 'omit',
    });
  } catch {
    return failure('unreachable', null, options);
  }
  if (response.status === 401) return failure('invalid_key', 401, options);
  if (response.status === 403) return failure('origin_not_allowed', 403, options);
  if (!response.ok) return failure('server_error', response.status, options);
  try {
    const body = (await response.json()) as { widget?: unknown };
    if (!body || typeof body !== 'object' || !body.widget || typeof body.widget !== 'object')
      return failure('bad_response', response.status, options);
    return { ok: true, config: normalizeWidgetConfig(body.widget) };
  } catch {
    return failure('bad_response', response.status, options);
  }
}
