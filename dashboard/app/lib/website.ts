import type { SourcePageView, SourceView } from '../../../core/services/sources';

export type { SourcePageView, SourceView };

export const MODE_LABELS: Record<SourceView['mode'], string> = {
  page: 'One page',
  sitemap: 'Pages of a sitemap',
  crawl: 'Crawl the site (follow links)',
};

export const RECRAWL_LABELS: Record<SourceView['recrawl'], string> = {
  off: 'Only when I ask',
  daily: 'Every day',
  weekly: 'Every week',
};

const STATE_LABELS: Record<SourcePageView['state'], string> = {
  pending: 'Waiting',
  ingested: 'Added',
  unchanged: 'Unchanged',
  skipped: 'Skipped',
  failed: 'Failed',
  removed: 'Removed',
};

/** What a page row says in the list: "Added", "Skipped", and for pages being indexed, their document's state. */
export function pageStateLabel(page: SourcePageView): string {
  if (page.state === 'ingested' && (page.documentStatus === 'queued' || page.documentStatus === 'processing'))
    return 'Indexing';
  if (page.state === 'ingested' && page.documentStatus === 'failed') return 'Could not index';
  return STATE_LABELS[page.state];
}

/** A source or one of its pages still moving: the page keeps refreshing while any is. */
export const isSourceBusy = (source: SourceView) => source.status === 'queued' || source.status === 'crawling';
export const isPageBusy = (page: SourcePageView) =>
  page.state === 'pending' || page.documentStatus === 'queued' || page.documentStatus === 'processing';

/** One line of counts for a source: "12 pages found · 10 read · 8 added · 2 skipped". */
export function progressSummary(source: SourceView): string {
  const { progress } = source;
  const parts = [
    `${progress.pagesFound} ${progress.pagesFound === 1 ? 'page' : 'pages'} found`,
    `${progress.pagesFetched} read`,
  ];
  if (progress.pagesIngested) parts.push(`${progress.pagesIngested} added or updated`);
  if (progress.pagesUnchanged) parts.push(`${progress.pagesUnchanged} unchanged`);
  if (progress.pagesSkipped) parts.push(`${progress.pagesSkipped} skipped`);
  if (progress.pagesFailed) parts.push(`${progress.pagesFailed} failed`);
  if (progress.pagesRemoved) parts.push(`${progress.pagesRemoved} removed`);
  return parts.join(' · ');
}
