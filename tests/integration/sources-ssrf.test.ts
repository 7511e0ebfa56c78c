import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../setup/stack';
import { createClientWithKey, signUpAdmin } from '../factories';
import type { TestClient } from '../http';
import { htmlPage, startTestSite, type TestSite } from '../fakes/test-site';
import { isPublicAddress, systemResolver, type NetworkPolicy } from '../../core/net/address-policy';
import { waitForCrawl } from '../sources';

/**
 * Server-side request forgery, with ALLOW_PRIVATE_URLS unset. Every server a test can run is on
 * a non-public address, so the crawls below point a made-up public-looking name at a server on
 * ::1 and declare ::1 (only) public: what stays refused is everything else, 127.0.0.1 included.
 */
describe('website sources refuse private addresses (ALLOW_PRIVATE_URLS unset)', () => {
  let stack: TestStack;
  let admin: TestClient;
  let clientId: string;
  let publicSite: TestSite;
  let internal: TestSite;
  const defaultPolicy = (): NetworkPolicy => ({ allowPrivate: false, resolve: systemResolver });

  beforeAll(async () => {
    publicSite = await startTestSite({ host: '::1' });
    internal = await startTestSite();
    internal.pages.set('/admin', {
      body: htmlPage({ title: 'Admin', body: '<p>Internal admin console with the root password hunter2.</p>' }),
    });
    stack = await startTestStack({ env: { CRAWL_DELAY_MS: '10' } });
    ({ admin } = await signUpAdmin(stack.url));
    clientId = (await createClientWithKey(admin)).client.id;
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
    await publicSite?.close();
    await internal?.close();
  });

  it('refuses loopback, private, link-local and metadata addresses at creation, by literal and by name', async () => {
    stack.container.network = defaultPolicy();
    for (const url of [
      `${internal.origin}/admin`,
      `http://localhost:${internal.port}/`,
      'http://[::1]/',
      'http://169.254.169.254/latest/meta-data/',
      'http://10.1.2.3/',
      'http://192.168.0.1/',
      'http://0.0.0.0/',
      'http://[::ffff:127.0.0.1]/',
      'http://[fd00:ec2::254]/',
      'http://metadata.google.internal/computeMetadata/v1/',
    ]) {
      const response = await admin.post('/api/dashboard/sources', { clientId, url, mode: 'page' });
      expect(response.status, url).toBe(400);
      expect(response.data.error.code, url).toBe('private_address');
    }
    expect(internal.requests).toHaveLength(0);
  });

  it('refuses a host name that resolves to a private address', async () => {
    stack.container.network = {
      allowPrivate: false,
      resolve: async (host) =>
        host === 'intranet.shop.test' ? [{ address: '10.0.0.7', family: 4 }] : systemResolver(host),
    };
    const response = await admin.post('/api/dashboard/sources', {
      clientId,
      url: 'https://intranet.shop.test/wiki',
      mode: 'crawl',
    });
    expect(response.status).toBe(400);
    expect(response.data.error.code).toBe('private_address');
  });

  it('fails a page whose fetch redirects to 127.0.0.1, without requesting it', async () => {
    stack.container.network = {
      allowPrivate: false,
      resolve: async (host) =>
        host === 'www.public-shop.test' ? [{ address: '::1', family: 6 }] : systemResolver(host),
      isPublicAddress: (address) => address === '::1' || isPublicAddress(address),
    };
    publicSite.pages.set('/', { status: 302, headers: { location: `${internal.origin}/admin` } });
    const created = await admin.post('/api/dashboard/sources', {
      clientId,
      url: `http://www.public-shop.test:${publicSite.port}/`,
      mode: 'page',
    });
    expect(created.status).toBe(202);
    const source = await waitForCrawl(admin, created.data.source.id);
    expect(publicSite.requested('/')).toBe(1);
    expect(internal.requests).toHaveLength(0);
    expect(source.status).toBe('failed');
    const pages = (await admin.get(`/api/dashboard/sources/${source.id}/pages`)).data.pages;
    expect(pages).toEqual([
      expect.objectContaining({ state: 'failed', reason: expect.objectContaining({ code: 'blocked_address' }) }),
    ]);
  }, 120_000);

  it('checks the address again at fetch time: a name that re-resolves to 127.0.0.1 after creation is not fetched', async () => {
    let lookups = 0;
    stack.container.network = {
      allowPrivate: false,
      resolve: async (host) => {
        if (host !== 'rebind.public-shop.test') return systemResolver(host);
        lookups++;
        return lookups === 1 ? [{ address: '::1', family: 6 }] : [{ address: '127.0.0.1', family: 4 }];
      },
      isPublicAddress: (address) => address === '::1' || isPublicAddress(address),
    };
    publicSite.pages.set('/', { body: htmlPage({ title: 'Shop', body: '<p>Welcome to the shop.</p>' }) });
    const before = publicSite.requests.length;
    const created = await admin.post('/api/dashboard/sources', {
      clientId,
      url: `http://rebind.public-shop.test:${internal.port}/admin`,
      mode: 'page',
    });
    expect(created.status).toBe(202);
    const source = await waitForCrawl(admin, created.data.source.id);
    expect(source.status).toBe('failed');
    expect(source.error.code).toBe('blocked_address');
    expect(lookups).toBeGreaterThan(1);
    expect(internal.requests).toHaveLength(0);
    expect(publicSite.requests.length).toBe(before);
  }, 120_000);
});
