import assert from 'node:assert/strict';
import type { TestClient } from './http';

/** Polls a source until a crawl that ended after `since` (an ISO time) left it ready or failed. */
export async function waitForCrawl(admin: TestClient, sourceId: string, since = '', timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await admin.get(`/api/dashboard/sources/${sourceId}`);
    assert.equal(response.status, 200, JSON.stringify(response.data));
    const source = response.data.source;
    if ((source.status === 'ready' || source.status === 'failed') && (source.lastCrawledAt ?? '') > since)
      return source;
    if (Date.now() > deadline)
      throw new Error(`source ${sourceId} still ${source.status}: ${JSON.stringify(source.progress)}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}
