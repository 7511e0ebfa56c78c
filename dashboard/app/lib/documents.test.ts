import { describe, expect, it } from 'vitest';
import {
  countByStatus,
  displayPercent,
  filterDocuments,
  isRetryableFailure,
  mergeDocuments,
  parseStatusFilter,
  progressLabel,
  temporalWorkflowUrl,
  type DocumentView,
} from './documents';

const doc = (overrides: Partial<DocumentView> & { id: string }): DocumentView => ({
  clientId: 'c',
  filename: `${overrides.id}.txt`,
  fileType: 'txt',
  sizeBytes: 10,
  status: 'queued',
  progress: { stage: 'parsing', percent: 0, chunksDone: 0, chunksTotal: 0 },
  chunkCount: 0,
  pageCount: null,
  error: null,
  workflowId: null,
  version: 1,
  sourceId: null,
  title: null,
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:00.000Z',
  readyAt: null,
  ...overrides,
});

describe('mergeDocuments', () => {
  it('lets a live progress event win over the loader copy of the same row', () => {
    const loaded = [doc({ id: 'a', status: 'processing' })];
    const live = new Map([
      [
        'a',
        doc({
          id: 'a',
          status: 'processing',
          progress: { stage: 'embedding', percent: 60, chunksDone: 3, chunksTotal: 5 },
        }),
      ],
    ]);
    expect(mergeDocuments(loaded, live, new Set())[0].progress.percent).toBe(60);
  });

  it('keeps the loader copy when it is newer, e.g. after a retry bumped the version', () => {
    const loaded = [doc({ id: 'a', status: 'queued', version: 2, updatedAt: '2025-01-01T00:01:00.000Z' })];
    const live = new Map([
      ['a', doc({ id: 'a', status: 'failed', version: 1, updatedAt: '2025-01-01T00:02:00.000Z' })],
    ]);
    expect(mergeDocuments(loaded, live, new Set())[0].status).toBe('queued');
  });

  it('keeps the loader copy when the live one is an older state of the same version', () => {
    const loaded = [doc({ id: 'a', status: 'ready', updatedAt: '2025-01-01T00:05:00.000Z' })];
    const live = new Map([['a', doc({ id: 'a', status: 'processing', updatedAt: '2025-01-01T00:01:00.000Z' })]]);
    expect(mergeDocuments(loaded, live, new Set())[0].status).toBe('ready');
  });

  it('adds documents only the event stream knows, drops deleted ones, and sorts newest first', () => {
    const loaded = [
      doc({ id: 'old', createdAt: '2025-01-01T00:00:00.000Z' }),
      doc({ id: 'gone', createdAt: '2025-01-02T00:00:00.000Z' }),
    ];
    const live = new Map([['new', doc({ id: 'new', createdAt: '2025-01-03T00:00:00.000Z' })]]);
    expect(mergeDocuments(loaded, live, new Set(['gone'])).map((d) => d.id)).toEqual(['new', 'old']);
  });
});

describe('status filter', () => {
  const documents = [
    doc({ id: 'a', status: 'ready' }),
    doc({ id: 'b', status: 'failed' }),
    doc({ id: 'c', status: 'ready' }),
  ];

  it('counts every status and filters by one', () => {
    expect(countByStatus(documents)).toEqual({ all: 3, queued: 0, processing: 0, ready: 2, failed: 1 });
    expect(filterDocuments(documents, 'ready').map((d) => d.id)).toEqual(['a', 'c']);
    expect(filterDocuments(documents, 'all')).toHaveLength(3);
  });

  it('reads only known statuses from the query string', () => {
    expect(parseStatusFilter('failed')).toBe('failed');
    expect(parseStatusFilter('nonsense')).toBe('all');
    expect(parseStatusFilter(null)).toBe('all');
  });
});

describe('displayPercent', () => {
  it('shows 100 only when ready and never 100 while still working', () => {
    expect(
      displayPercent(
        doc({ id: 'a', status: 'ready', progress: { stage: 'done', percent: 80, chunksDone: 0, chunksTotal: 0 } }),
      ),
    ).toBe(100);
    expect(
      displayPercent(
        doc({
          id: 'a',
          status: 'processing',
          progress: { stage: 'upserting', percent: 100, chunksDone: 5, chunksTotal: 5 },
        }),
      ),
    ).toBe(99);
    expect(
      displayPercent(
        doc({
          id: 'a',
          status: 'processing',
          progress: { stage: 'embedding', percent: 140.4, chunksDone: 0, chunksTotal: 0 },
        }),
      ),
    ).toBe(99);
    expect(
      displayPercent(
        doc({
          id: 'a',
          status: 'processing',
          progress: { stage: 'parsing', percent: -3, chunksDone: 0, chunksTotal: 0 },
        }),
      ),
    ).toBe(0);
  });
});

describe('temporalWorkflowUrl', () => {
  it('builds the Temporal Web address of a workflow', () => {
    expect(temporalWorkflowUrl('http://localhost:8233/', 'default', 'ingest-123')).toBe(
      'http://localhost:8233/namespaces/default/workflows/ingest-123',
    );
  });
});

describe('progressLabel', () => {
  it('says a queued document is waiting, and names the stage of one at work', () => {
    expect(progressLabel(doc({ id: 'a', status: 'queued' }))).toBe('Waiting to start');
    expect(
      progressLabel(
        doc({
          id: 'a',
          status: 'processing',
          progress: { stage: 'embedding', percent: 40, chunksDone: 2, chunksTotal: 5 },
        }),
      ),
    ).toBe('Creating embeddings');
  });
});

describe('isRetryableFailure', () => {
  const failed = (code: string | null) => ({ status: 'failed' as const, error: code ? { code, message: 'x' } : null });
  it('offers Retry only where retrying can help', () => {
    expect(isRetryableFailure(failed('workflow_start_failed'))).toBe(true);
    expect(isRetryableFailure(failed('processing_failed'))).toBe(true);
    expect(isRetryableFailure(failed('parse_timeout'))).toBe(true);
    expect(isRetryableFailure(failed(null))).toBe(true);
    for (const code of [
      'pdf_encrypted',
      'pdf_corrupt',
      'empty_document',
      'no_text_found',
      'docx_corrupt',
      'csv_invalid',
      'unsupported_file_type',
    ]) {
      expect(isRetryableFailure(failed(code)), code).toBe(false);
    }
    expect(isRetryableFailure({ status: 'ready', error: null })).toBe(false);
  });
});
