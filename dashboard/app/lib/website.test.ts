import { describe, expect, it } from 'vitest';
import { isPageBusy, pageStateLabel, progressSummary, type SourcePageView, type SourceView } from './website';

const page = (overrides: Partial<SourcePageView>): SourcePageView => ({
  id: 'p',
  url: 'https://a.test/',
  finalUrl: null,
  state: 'pending',
  reason: null,
  httpStatus: null,
  title: null,
  documentId: null,
  documentStatus: null,
  fetchedAt: null,
  ...overrides,
});

describe('website tab labels', () => {
  it('shows indexing while an added page ingests', () => {
    expect(pageStateLabel(page({ state: 'ingested', documentStatus: 'processing' }))).toBe('Indexing');
    expect(pageStateLabel(page({ state: 'ingested', documentStatus: 'ready' }))).toBe('Added');
    expect(pageStateLabel(page({ state: 'skipped' }))).toBe('Skipped');
    expect(isPageBusy(page({ state: 'ingested', documentStatus: 'queued' }))).toBe(true);
    expect(isPageBusy(page({ state: 'failed' }))).toBe(false);
  });
  it('sums a crawl up in plain words, leaving out zeros', () => {
    const source = {
      progress: {
        pagesFound: 12,
        pagesFetched: 10,
        pagesIngested: 8,
        pagesSkipped: 2,
        pagesFailed: 0,
        pagesUnchanged: 0,
        pagesRemoved: 0,
      },
    } as SourceView;
    expect(progressSummary(source)).toBe('12 pages found · 10 read · 8 added or updated · 2 skipped');
  });
});
