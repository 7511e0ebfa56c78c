import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../setup/stack';
import { createClientWithKey, signUpAdmin, waitForDocument } from '../factories';
import type { TestClient } from '../http';
import { htmlPage, startTestSite, type TestSite } from '../fakes/test-site';
import { waitForCrawl } from '../sources';
import { deleteSourcesOfClient } from '../../core/services/sources';

async function ask(stack: TestStack, apiKey: string, message: string) {
  const response = await fetch(new URL('/chat', stack.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
    body: JSON.stringify({ message }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as {
    answer: string;
    sources: Array<{ documentId: string; filename: string; title: string | null; url: string | null }>;
  };
}

const ROBOTS = 'User-agent: *\nDisallow: /private/\n';

function buildSite(site: TestSite) {
  const links = [
    '/about',
    '/pricing',
    '/old-faq',
    '/faq',
    '/private/secret',
    '/brochure.pdf',
    '/big',
    '/seasonal',
    '/slow',
    '/pricing?ref=home',
  ];
  site.pages.set('/robots.txt', { headers: { 'content-type': 'text/plain' }, body: ROBOTS });
  site.pages.set('/', {
    body: htmlPage({
      title: 'Example Garden Supplies',
      links,
      body: '<p>We sell seeds, tools and greenhouse kits to gardeners across the region since 1998.</p>',
    }),
  });
  site.pages.set('/about', {
    headers: { etag: '"about-v1"' },
    body: htmlPage({
      title: 'About us',
      links,
      body: '<p>Example Garden Supplies was founded by Margit Olsen in a small barn outside Lillehammer. The shop now employs eleven gardeners.</p>',
    }),
  });
  site.pages.set('/pricing', {
    body: htmlPage({
      title: 'Greenhouse prices',
      links,
      head: '<link rel="canonical" href="/pricing">',
      body: '<p>Our greenhouse kits come in three sizes.</p><table><tr><th>Kit</th><th>Price</th></tr><tr><td>Small greenhouse</td><td>450 EUR</td></tr><tr><td>Large greenhouse</td><td>1200 EUR</td></tr></table>',
    }),
  });
  site.pages.set('/old-faq', { status: 301, headers: { location: '/faq' } });
  site.pages.set('/faq', {
    body: htmlPage({
      title: 'Questions and answers',
      links,
      body: '<h2>Delivery</h2><p>Orders placed before noon are shipped the same day with free delivery above 80 EUR.</p>',
    }),
  });
  site.pages.set('/private/secret', {
    body: htmlPage({ title: 'Secret', body: '<p>The staff discount code is ROBOTSIGNORED.</p>' }),
  });
  site.pages.set('/brochure.pdf', {
    headers: { 'content-type': 'application/pdf' },
    body: Buffer.from('%PDF-1.4 not really'),
  });
  site.pages.set('/big', { body: htmlPage({ title: 'Big', body: `<p>${'lorem ipsum dolor '.repeat(20_000)}</p>` }) });
  site.pages.set('/slow', { hang: true });
  site.pages.set('/seasonal', {
    body: htmlPage({
      title: 'Seasonal offer',
      links,
      body: '<p>The spring tulip bulb sale ends on the last day of April with thirty percent off.</p>',
    }),
  });
  site.pages.set('/sitemap.xml', {
    headers: { 'content-type': 'application/xml' },
    body: `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${['/about', '/pricing', '/faq'].map((path) => `<url><loc>${site.origin}${path}</loc></url>`).join('')}</urlset>`,
  });
  site.pages.set('/sitemap-blog.xml', {
    headers: { 'content-type': 'application/xml' },
    body: `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>${site.origin}/seasonal</loc></url><url><loc>https://elsewhere.example/page</loc></url></urlset>`,
  });
  site.pages.set('/sitemap-index.xml', {
    headers: { 'content-type': 'application/xml' },
    body: `<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>${site.origin}/sitemap.xml</loc></sitemap><sitemap><loc>${site.origin}/sitemap-blog.xml</loc></sitemap></sitemapindex>`,
  });
}

describe('website sources: crawls of a local site through Temporal', () => {
  let stack: TestStack;
  let site: TestSite;
  let admin: TestClient;
  let clientId: string;
  let apiKey: string;

  beforeAll(async () => {
    site = await startTestSite();
    buildSite(site);
    stack = await startTestStack({
      env: {
        ALLOW_PRIVATE_URLS: 'true',
        CRAWL_DELAY_MS: '20',
        CRAWL_FETCH_TIMEOUT_MS: '1500',
        MAX_FILE_SIZE: String(200 * 1024),
      },
    });
    ({ admin } = await signUpAdmin(stack.url));
    const created = await createClientWithKey(admin);
    clientId = created.client.id;
    apiKey = created.apiKey;
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
    await site?.close();
  });

  it('validates the URL, the mode and maxPages', async () => {
    const bad = [
      { url: 'ftp://example.com/', mode: 'page' },
      { url: 'javascript:alert(1)', mode: 'page' },
      { url: 'not a url', mode: 'page' },
      { url: `${site.origin}/`, mode: 'everything' },
      { url: `${site.origin}/`, mode: 'crawl', maxPages: 501 },
      { url: `${site.origin}/`, mode: 'crawl', maxPages: 0 },
      { url: `${site.origin}/`, mode: 'crawl', recrawl: 'hourly' },
    ];
    for (const body of bad) {
      const response = await admin.post('/api/dashboard/sources', { clientId, ...body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.data.error.code).toMatch(/invalid_url|invalid_input/);
    }
  });

  it('crawls same-host links: robots.txt honoured, redirects followed, non-HTML and oversized pages skipped with reasons; chat answers from a page', async () => {
    const created = await admin.post('/api/dashboard/sources', { clientId, url: `${site.origin}/`, mode: 'crawl' });
    expect(created.status).toBe(202);
    expect(created.data.source).toMatchObject({
      clientId,
      mode: 'crawl',
      maxPages: 50,
      recrawl: 'off',
      workflowId: `crawl-${created.data.source.id}`,
    });
    const sourceId = created.data.source.id;
    const source = await waitForCrawl(admin, sourceId);
    expect(source.status).toBe('ready');

    expect(site.requested('/private/secret')).toBe(0);
    expect(site.requested('/robots.txt')).toBeGreaterThan(0);
    expect(site.requests.every((request) => request.userAgent.startsWith('ChatConnectBot/1.0'))).toBe(true);

    const pages = (await admin.get(`/api/dashboard/sources/${sourceId}/pages`)).data.pages as Array<{
      url: string;
      state: string;
      reason: { code: string; message: string } | null;
      finalUrl: string | null;
    }>;
    const byPath = (path: string) => pages.find((page) => page.url === `${site.origin}${path}`);
    expect(byPath('/private/secret')).toMatchObject({ state: 'skipped', reason: { code: 'robots' } });
    expect(byPath('/brochure.pdf')).toMatchObject({ state: 'skipped', reason: { code: 'not_html' } });
    expect(byPath('/brochure.pdf')!.reason!.message).toContain('application/pdf');
    expect(byPath('/big')).toMatchObject({ state: 'skipped', reason: { code: 'too_large' } });
    expect(byPath('/slow')).toMatchObject({ state: 'failed', reason: { code: 'timeout' } });
    // Another address of the same page (its canonical URL says so) is kept once.
    expect(byPath('/pricing?ref=home')).toMatchObject({ state: 'skipped', reason: { code: 'duplicate' } });
    expect(byPath('/old-faq')!.finalUrl).toBe(`${site.origin}/faq`);
    for (const path of ['/', '/about', '/pricing', '/seasonal']) expect(byPath(path)?.state, path).toBe('ingested');
    // /faq is reached directly and through /old-faq's redirect: one document, named by the final URL.
    expect([byPath('/faq')!.state, byPath('/old-faq')!.state].sort()).toEqual(['ingested', 'skipped']);

    const documents = (await admin.get(`/api/dashboard/documents?clientId=${clientId}`)).data.documents as Array<{
      id: string;
      filename: string;
      fileType: string;
      sourceId: string | null;
    }>;
    const fromSource = documents.filter((document) => document.sourceId === sourceId);
    expect(fromSource.map((document) => document.filename).sort()).toEqual(
      ['/', '/about', '/faq', '/pricing', '/seasonal'].map((path) => `${site.origin}${path}`).sort(),
    );
    expect(fromSource.every((document) => document.fileType === 'html')).toBe(true);
    for (const document of fromSource) expect((await waitForDocument(admin, document.id)).status).toBe('ready');
    expect(source.pageCount).toBe(5);
    expect(source.progress).toMatchObject({ pagesIngested: 5, pagesFailed: 1 });
    // Operators see the crawl in Temporal: its id, ClientId and the `progress` query.
    expect(await stack.container.crawls!.crawlProgress(source.workflowId)).toEqual(source.progress);
    const description = await stack.temporalClient!.workflow.getHandle(`crawl-${sourceId}`).describe();
    expect(description.type).toBe('crawlSource');
    expect(description.searchAttributes.ClientId).toEqual([clientId]);

    const reply = await ask(stack, apiKey, 'How much does the large greenhouse cost?');
    expect(reply.answer).toMatch(/1200 EUR/);
    expect(reply.sources[0]).toMatchObject({
      filename: `${site.origin}/pricing`,
      url: `${site.origin}/pricing`,
      title: 'Greenhouse prices',
    });
    const chunkText = JSON.stringify(reply);
    expect(chunkText).not.toContain('Copyright Example Garden');
  }, 240_000);

  it('re-crawls incrementally: unchanged pages keep their document, changed ones get a new version, removed ones leave', async () => {
    // A site of its own, so the first test's copy of the pages does not answer here.
    const {
      client: { id: clientId },
      apiKey,
    } = await createClientWithKey(admin, { name: 'Re-crawled shop' });
    const created = await admin.post('/api/dashboard/sources', {
      clientId,
      url: `${site.origin}/`,
      mode: 'crawl',
      maxPages: 20,
    });
    const sourceId = created.data.source.id;
    const first = await waitForCrawl(admin, sourceId);
    const before = new Map(
      (
        (await admin.get(`/api/dashboard/documents?clientId=${clientId}`)).data.documents as Array<{
          id: string;
          filename: string;
          sourceId: string;
          version: number;
        }>
      )
        .filter((document) => document.sourceId === sourceId)
        .map((document) => [new URL(document.filename).pathname, document]),
    );
    for (const document of before.values()) await waitForDocument(admin, document.id);
    const aboutRequests = site.requests.length;

    site.pages.set('/pricing', {
      body: htmlPage({
        title: 'Greenhouse prices',
        head: '<link rel="canonical" href="/pricing">',
        body: '<table><tr><th>Kit</th><th>Price</th></tr><tr><td>Small greenhouse</td><td>450 EUR</td></tr><tr><td>Large greenhouse</td><td>1350 EUR</td></tr></table>',
      }),
    });
    site.pages.delete('/seasonal');
    // A new footer only: the text a visitor could ask about is the same.
    site.pages.set('/', {
      body: (site.pages.get('/')!.body as string).replace('Copyright Example Garden Supplies', 'Made with care'),
    });

    expect((await admin.post(`/api/dashboard/sources/${sourceId}/recrawl`)).status).toBe(202);
    const second = await waitForCrawl(admin, sourceId, first.lastCrawledAt);
    expect(second.status).toBe('ready');
    expect(second.progress).toMatchObject({ pagesIngested: 1, pagesRemoved: 1 });
    expect(site.requests.slice(aboutRequests).filter((request) => request.path === '/about')).toHaveLength(1);

    const after = new Map(
      (
        (await admin.get(`/api/dashboard/documents?clientId=${clientId}`)).data.documents as Array<{
          id: string;
          filename: string;
          sourceId: string;
          version: number;
        }>
      )
        .filter((document) => document.sourceId === sourceId)
        .map((document) => [new URL(document.filename).pathname, document]),
    );
    expect(after.has('/seasonal')).toBe(false);
    for (const path of ['/', '/about', '/faq'])
      expect(after.get(path), path).toMatchObject({ id: before.get(path)!.id, version: before.get(path)!.version });
    expect(after.get('/pricing')).toMatchObject({
      id: before.get('/pricing')!.id,
      version: before.get('/pricing')!.version + 1,
    });
    expect((await waitForDocument(admin, after.get('/pricing')!.id)).status).toBe('ready');
    const pages = (await admin.get(`/api/dashboard/sources/${sourceId}/pages`)).data.pages as Array<{
      url: string;
      state: string;
    }>;
    expect(pages.find((page) => page.url === `${site.origin}/about`)?.state).toBe('unchanged');
    expect(pages.find((page) => page.url === `${site.origin}/seasonal`)?.state).toBe('removed');

    const reply = await ask(stack, apiKey, 'How much does the large greenhouse cost?');
    expect(reply.answer).toMatch(/1350 EUR/);
    const removed = await ask(stack, apiKey, 'When does the spring tulip bulb sale end?');
    expect(removed.sources.some((source) => source.filename.endsWith('/seasonal'))).toBe(false);
  }, 240_000);

  it('reads the pages a sitemap lists, and only those', async () => {
    const { client } = await createClientWithKey(admin, { name: 'Sitemap shop' });
    const created = await admin.post('/api/dashboard/sources', {
      clientId: client.id,
      url: `${site.origin}/sitemap.xml`,
      mode: 'sitemap',
    });
    expect(created.status).toBe(202);
    const source = await waitForCrawl(admin, created.data.source.id);
    expect(source.status).toBe('ready');
    const pages = (await admin.get(`/api/dashboard/sources/${source.id}/pages`)).data.pages as Array<{
      url: string;
      state: string;
    }>;
    expect(pages.map((page) => new URL(page.url).pathname).sort()).toEqual(['/about', '/faq', '/pricing']);

    // A sitemap index: the pages of its sitemaps on the same host, nothing from other hosts.
    const fromIndex = await admin.post('/api/dashboard/sources', {
      clientId: client.id,
      url: `${site.origin}/sitemap-index.xml`,
      mode: 'sitemap',
    });
    const indexed = await waitForCrawl(admin, fromIndex.data.source.id);
    expect(indexed.status).toBe('ready');
    const indexPages = (await admin.get(`/api/dashboard/sources/${indexed.id}/pages`)).data.pages as Array<{
      url: string;
    }>;
    expect(indexPages.map((page) => page.url).sort()).toEqual(
      ['/about', '/faq', '/pricing', '/seasonal'].map((path) => `${site.origin}${path}`).sort(),
    );

    // Not a sitemap at all: the source fails and says what to do.
    const notSitemap = await admin.post('/api/dashboard/sources', {
      clientId: client.id,
      url: `${site.origin}/about`,
      mode: 'sitemap',
    });
    const failed = await waitForCrawl(admin, notSitemap.data.source.id);
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'sitemap_invalid' } });
  }, 120_000);

  it('keeps sources to their tenant, runs re-crawls on a schedule, and deletes a source with its documents and schedule', async () => {
    const created = await admin.post('/api/dashboard/sources', {
      clientId,
      url: `${site.origin}/faq`,
      mode: 'page',
      recrawl: 'weekly',
    });
    expect(created.status).toBe(202);
    const sourceId = created.data.source.id;
    expect(await stack.container.crawls!.describeRecrawlSchedule(sourceId)).toEqual({ intervalSeconds: 7 * 24 * 3600 });
    const patched = await admin.patch(`/api/dashboard/sources/${sourceId}`, { recrawl: 'daily' });
    expect(patched.data.source.recrawl).toBe('daily');
    expect(await stack.container.crawls!.describeRecrawlSchedule(sourceId)).toEqual({ intervalSeconds: 24 * 3600 });
    await waitForCrawl(admin, sourceId);

    const { admin: stranger } = await signUpAdmin(stack.url, 'Eve');
    expect((await stranger.get(`/api/dashboard/sources/${sourceId}`)).status).toBe(404);
    expect((await stranger.get(`/api/dashboard/sources?clientId=${clientId}`)).status).toBe(404);
    expect((await stranger.post(`/api/dashboard/sources/${sourceId}/recrawl`)).status).toBe(404);
    expect((await stranger.delete(`/api/dashboard/sources/${sourceId}`)).status).toBe(404);
    expect((await admin.get('/api/dashboard/sources/not-a-uuid')).status).toBe(404);

    const listed = await admin.get(`/api/dashboard/sources?clientId=${clientId}`);
    expect(listed.data.sources.map((source: { id: string }) => source.id)).toContain(sourceId);
    const documents = (
      (await admin.get(`/api/dashboard/documents?clientId=${clientId}`)).data.documents as Array<{
        id: string;
        sourceId: string;
      }>
    ).filter((document) => document.sourceId === sourceId);
    expect(documents).toHaveLength(1);
    await waitForDocument(admin, documents[0].id);

    expect((await admin.delete(`/api/dashboard/sources/${sourceId}`)).status).toBe(204);
    expect((await admin.get(`/api/dashboard/sources/${sourceId}`)).status).toBe(404);
    expect((await admin.get(`/api/dashboard/documents/${documents[0].id}`)).status).toBe(404);
    expect(await stack.container.crawls!.describeRecrawlSchedule(sourceId)).toBeNull();
    expect(await stack.container.vectorStore.countDocument({ clientId, documentId: documents[0].id })).toBe(0);
  }, 120_000);

  it('deletes every source of a site with their schedules and documents (for site deletion)', async () => {
    const { client } = await createClientWithKey(admin, { name: 'Closing shop' });
    const ids: string[] = [];
    for (const path of ['/faq', '/about']) {
      const created = await admin.post('/api/dashboard/sources', {
        clientId: client.id,
        url: `${site.origin}${path}`,
        mode: 'page',
        recrawl: 'daily',
      });
      ids.push(created.data.source.id);
      await waitForCrawl(admin, created.data.source.id);
    }
    const { container } = stack;
    await deleteSourcesOfClient(
      {
        knex: container.db.knex,
        blobStore: container.blobStore,
        vectorStore: container.vectorStore,
        cache: container.cache,
        network: container.network,
        workflows: container.workflows,
        crawls: container.crawls,
      },
      { clientId: client.id },
    );
    expect((await admin.get(`/api/dashboard/sources?clientId=${client.id}`)).data.sources).toEqual([]);
    expect((await admin.get(`/api/dashboard/documents?clientId=${client.id}`)).data.documents).toEqual([]);
    for (const id of ids) expect(await container.crawls!.describeRecrawlSchedule(id)).toBeNull();
  }, 120_000);
});
