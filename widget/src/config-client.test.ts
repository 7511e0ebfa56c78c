import { describe, expect, it } from 'vitest';
import { loadWidgetConfig, maskKey } from './config-client';

function fetchReturning(response: Response | Error) {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const fetchImpl = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    if (response instanceof Error) throw response;
    return response;
  }) as unknown as typeof fetch;
  return { calls, fetchImpl };
}

const base = {
  apiBase: 'https://chat.example.com',
  apiKey: 'pk_live_0123456789abcdef',
  pageOrigin: 'https://shop.example.com',
};

describe('loadWidgetConfig', () => {
  it('fetches the config with the key header and normalises it', async () => {
    const { calls, fetchImpl } = fetchReturning(
      Response.json({ widget: { title: 'Acme', primaryColor: '#ff0000', position: 'bottom-left', futureField: 1 } }),
    );
    const result = await loadWidgetConfig({ ...base, fetchImpl });
    expect(calls[0].url).toBe('https://chat.example.com/api/widget/config');
    expect((calls[0].init.headers as Record<string, string>)['x-api-key']).toBe(base.apiKey);
    expect(calls[0].init.credentials).toBe('omit');
    expect(result).toMatchObject({
      ok: true,
      config: { title: 'Acme', primaryColor: '#ff0000', position: 'bottom-left' },
    });
  });

  it('explains a rejected key to the site owner without echoing the whole key', async () => {
    const result = await loadWidgetConfig({
      ...base,
      fetchImpl: fetchReturning(new Response('{}', { status: 401 })).fetchImpl,
    });
    expect(result).toMatchObject({ ok: false, reason: 'invalid_key', retryable: false });
    if (result.ok) throw new Error('expected a failure');
    expect(result.warning).toContain('401');
    expect(result.warning).toContain('data-api-key');
    expect(result.warning).not.toContain(base.apiKey);
  });

  it('names the origin that is not allowed', async () => {
    const result = await loadWidgetConfig({
      ...base,
      fetchImpl: fetchReturning(new Response('{}', { status: 403 })).fetchImpl,
    });
    expect(result).toMatchObject({ ok: false, reason: 'origin_not_allowed', retryable: false });
    if (!result.ok) expect(result.warning).toContain('https://shop.example.com');
  });

  it('marks network and server failures as retryable', async () => {
    expect(
      await loadWidgetConfig({ ...base, fetchImpl: fetchReturning(new TypeError('Failed to fetch')).fetchImpl }),
    ).toMatchObject({ ok: false, reason: 'unreachable', retryable: true });
    expect(
      await loadWidgetConfig({ ...base, fetchImpl: fetchReturning(new Response('{}', { status: 503 })).fetchImpl }),
    ).toMatchObject({ ok: false, reason: 'server_error', retryable: true });
  });

  it('rejects a body that is not the documented shape', async () => {
    for (const body of ['<html>', '{"config":{}}', 'null']) {
      const result = await loadWidgetConfig({
        ...base,
        fetchImpl: fetchReturning(new Response(body, { status: 200 })).fetchImpl,
      });
      expect(result).toMatchObject({ ok: false, reason: 'bad_response' });
    }
  });
});

describe('maskKey', () => {
  it('keeps a recognisable prefix only', () => {
    expect(maskKey('pk_live_0123456789abcdef')).toBe('pk_live_0123…');
    expect(maskKey('short')).toBe('short');
  });
});
