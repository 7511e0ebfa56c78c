import { defineQuery } from '@temporalio/workflow';
import type { CrawlProgress } from '../core/ports/crawl-gateway';

export type { CrawlProgress };

/** The crawl workflow's `progress` query: defined once, set by workflows/crawl-source.ts, asked by temporal/crawl-gateway.ts. */
export const crawlProgressQuery = defineQuery<CrawlProgress>('progress');

export const emptyCrawlProgress = (): CrawlProgress => ({
  pagesFound: 0,
  pagesFetched: 0,
  pagesIngested: 0,
  pagesSkipped: 0,
  pagesFailed: 0,
  pagesUnchanged: 0,
  pagesRemoved: 0,
});
