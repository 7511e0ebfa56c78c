import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../../setup/stack';
import { createClientWithKey, signUpAdmin } from '../../factories';

describe('allowedDomains and the public-suffix list', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('refuses a public suffix or a wildcard over one with 400, on create and on update', async () => {
    const { admin } = await signUpAdmin(stack.url);
    for (const entry of ['*.co.uk', '*.github.io', 'com', 'co.uk', '*.com.au', 'https://github.io', '*.blogspot.com']) {
      const response = await admin.post('/api/dashboard/clients', {
        name: 'Shop',
        tier: 'free',
        allowedDomains: ['shop.example.com', entry],
      });
      expect(response.status, entry).toBe(400);
      expect(response.data.error.code, entry).toBe('invalid_input');
      expect(response.data.error.message, entry).toContain('public suffix');
    }
    const { client } = await createClientWithKey(admin, { allowedDomains: ['shop.example.com'] });
    const patched = await admin.patch(`/api/dashboard/clients/${client.id}`, { allowedDomains: ['*.github.io'] });
    expect(patched.status).toBe(400);
    expect((await admin.get(`/api/dashboard/clients/${client.id}`)).data.client.allowedDomains).toEqual([
      'shop.example.com',
    ]);
  });

  it('keeps registrable domains under a suffix, localhost and IP addresses', async () => {
    const { admin } = await signUpAdmin(stack.url);
    const allowedDomains = [
      'shop.example.co.uk',
      '*.example.co.uk',
      'me.github.io',
      'localhost',
      '127.0.0.1',
      'http://localhost:3000',
    ];
    const { client } = await createClientWithKey(admin, { allowedDomains });
    expect(client.allowedDomains).toEqual(allowedDomains);
  });
});
