import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkWebhookUrl, generateWebhookSecret, isPublicAddress, signWebhookBody } from './webhooks';
import { normaliseQuestion } from './questions';

describe('webhook URLs and signatures', () => {
  it('accepts only https on public addresses unless private URLs are allowed', () => {
    const strict = { allowPrivateUrls: false };
    expect(checkWebhookUrl('https://hooks.example.com/cc', strict)).toBe('https://hooks.example.com/cc');
    for (const url of [
      'http://hooks.example.com/cc',
      'ftp://example.com',
      'https://127.0.0.1/x',
      'https://10.1.2.3/x',
      'https://[::1]/x',
      'https://169.254.169.254/latest',
      'https://localhost:8443/x',
      'https://[::ffff:192.168.0.1]/',
      'https://user:pw@example.com/',
      'not a url',
    ]) {
      expect(() => checkWebhookUrl(url, strict), url).toThrow();
    }
    const open = { allowPrivateUrls: true };
    expect(checkWebhookUrl('http://127.0.0.1:9999/hook', open)).toBe('http://127.0.0.1:9999/hook');
    expect(() => checkWebhookUrl('file:///etc/passwd', open)).toThrow();
  });

  it('tells public from non-public addresses', () => {
    expect(isPublicAddress('93.184.216.34')).toBe(true);
    expect(isPublicAddress('2606:2800:220:1:248:1893:25c8:1946')).toBe(true);
    for (const address of [
      '127.0.0.1',
      '10.0.0.1',
      '172.16.5.4',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      'fc00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
    ]) {
      expect(isPublicAddress(address), address).toBe(false);
    }
  });

  it('signs the raw body as sha256=<hex HMAC-SHA256>', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const body = '{"event":"contact"}';
    expect(signWebhookBody(body, secret)).toBe(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
    expect(signWebhookBody(`${body} `, secret)).not.toBe(signWebhookBody(body, secret));
  });
});

describe('normaliseQuestion', () => {
  it('ignores case, punctuation and spacing, keeps letters of any script and digits', () => {
    expect(normaliseQuestion('  What are your HOURS?! ')).toBe('what are your hours');
    expect(normaliseQuestion('what   are your hours')).toBe('what are your hours');
    expect(normaliseQuestion('Où est la boutique ?')).toBe('où est la boutique');
    expect(normaliseQuestion('Is order #123 shipped?')).toBe('is order 123 shipped');
    expect(normaliseQuestion('?!...')).toBe('');
  });
});
