import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../../setup/stack';
import { createClientWithKey, signUpAdmin } from '../../factories';

const directives = (csp: string | null) =>
  new Map(
    (csp ?? '')
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...values]) => [name, values]),
  );

describe('browser-side headers', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ dashboard: 'build', worker: false, env: { TRUST_PROXY: 'true' } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('gives dashboard pages a nonce-based CSP that forbids framing, plugins, <base> and eval', async () => {
    for (const page of ['/login', '/signup']) {
      const response = await fetch(new URL(page, stack.url));
      expect(response.status).toBe(200);
      const csp = directives(response.headers.get('content-security-policy'));
      expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
      expect(csp.get('object-src')).toEqual(["'none'"]);
      expect(csp.get('base-uri')).toEqual(["'none'"]);
      const scriptSrc = csp.get('script-src') ?? [];
      expect(scriptSrc.join(' ')).not.toMatch(/unsafe-eval|unsafe-inline|\*/);
      const nonce = scriptSrc.find((value) => value.startsWith("'nonce-"))?.slice(7, -1);
      expect(nonce).toBeTruthy();
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
      // Every inline script Remix renders carries this response's nonce, so none is blocked.
      const html = await response.text();
      const inline = [...html.matchAll(/<script(?![^>]*\ssrc=)([^>]*)>/g)].map((match) => match[1]);
      expect(inline.length).toBeGreaterThan(0);
      for (const attributes of inline) expect(attributes).toContain(`nonce="${nonce}"`);
    }
    const again = await fetch(new URL('/login', stack.url));
    expect(again.headers.get('content-security-policy')).not.toBe(
      (await fetch(new URL('/login', stack.url))).headers.get('content-security-policy'),
    );
  });

  it('lets only the dashboard itself frame the widget demo page (the live preview)', async () => {
    const response = await fetch(new URL('/widget/demo', stack.url));
    expect(response.status).toBe(200);
    expect(directives(response.headers.get('content-security-policy')).get('frame-ancestors')).toEqual(["'self'"]);
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });

  it('keeps the widget script and the chat API usable from other sites', async () => {
    const script = await fetch(new URL('/widget.js', stack.url), {
      headers: { origin: 'https://shop.example.com', 'sec-fetch-mode': 'no-cors' },
    });
    expect(script.status).toBe(200);
    expect(script.headers.get('cross-origin-resource-policy')).toBeNull();
    expect(script.headers.get('x-content-type-options')).toBe('nosniff');

    const { admin } = await signUpAdmin(stack.url);
    const { apiKey } = await createClientWithKey(admin, { allowedDomains: ['shop.example.com'] });
    const preflight = await fetch(new URL('/chat/stream', stack.url), {
      method: 'OPTIONS',
      headers: {
        origin: 'https://shop.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-api-key',
      },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://shop.example.com');
    const config = await fetch(new URL('/api/widget/config', stack.url), {
      headers: { origin: 'https://shop.example.com', 'x-api-key': apiKey },
    });
    expect(config.status).toBe(200);
    expect(config.headers.get('access-control-allow-origin')).toBe('https://shop.example.com');
    expect(config.headers.get('cross-origin-resource-policy')).toBeNull();
  });

  it('sends HSTS only over HTTPS', async () => {
    const plain = await fetch(new URL('/login', stack.url));
    expect(plain.headers.get('strict-transport-security')).toBeNull();
    const behindTls = await fetch(new URL('/login', stack.url), { headers: { 'x-forwarded-proto': 'https' } });
    expect(behindTls.headers.get('strict-transport-security')).toMatch(/max-age=\d{7,}/);
    const api = await fetch(new URL('/api/widget/health', stack.url), { headers: { 'x-forwarded-proto': 'https' } });
    expect(api.headers.get('strict-transport-security')).toMatch(/max-age=/);
  });
});
