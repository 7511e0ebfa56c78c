import type { DocumentStatus, DocumentView } from '../../../core/services/documents';

export type { DocumentStatus, DocumentView };

export const STATUS_FILTERS = ['all', 'queued', 'processing', 'ready', 'failed'] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

export const parseStatusFilter = (value: string | null): StatusFilter =>
  (STATUS_FILTERS as readonly string[]).includes(value ?? '') ? (value as StatusFilter) : 'all';

/**
 * Which of two views of one document is newer. A re-ingest bumps `version`; within a version the
 * row's `updatedAt` moves on every status change, and live progress (from the workflow query) only
 * ever arrives with the same or a later `updatedAt`, so ties go to the live view.
 */
export function isNewerOrSame(candidate: DocumentView, current: DocumentView): boolean {
  if (candidate.version !== current.version) return candidate.version > current.version;
  return candidate.updatedAt >= current.updatedAt;
}

/**
 * The list the page shows: what the loader read, overlaid with what arrived since (SSE events,
 * upload responses, action results), minus what was deleted; newest first like the service.
 */
export function mergeDocuments(
  loaded: DocumentView[],
  live: ReadonlyMap<string, DocumentView>,
  deleted: ReadonlySet<string>,
): DocumentView[] {
  const byId = new Map<string, DocumentView>();
  for (const document of loaded) byId.set(document.id, document);
  for (const [id, document] of live) {
    const current = byId.get(id);
    if (!current || isNewerOrSame(document, current)) byId.set(id, document);
  }
  for (const id of deleted) byId.delete(id);
  return [...byId.values()].sort((a, b) =>
    a.createdAt === b.createdAt ? a.id.localeCompare(b.id) : a.createdAt < b.createdAt ? 1 : -1,
  );
}

export function filterDocuments(documents: DocumentView[], filter: StatusFilter): DocumentView[] {
  return filter === 'all' ? documents : documents.filter((document) => document.status === filter);
}

export function countByStatus(documents: DocumentView[]): Record<StatusFilter, number> {
  const counts: Record<StatusFilter, number> = { all: documents.length, queued: 0, processing: 0, ready: 0, failed: 0 };
  for (const document of documents) counts[document.status] += 1;
  return counts;
}

const STAGE_LABELS: Record<string, string> = {
  parsing: 'Reading the file',
  chunking: 'Splitting into passages',
  embedding: 'Creating embeddings',
  upserting: 'Saving to the search index',
  done: 'Ready',
};

/** What the document is doing, in words: a queued one waits (its stage already reads `parsing`). */
export function progressLabel(document: Pick<DocumentView, 'status' | 'progress'>): string {
  if (document.status === 'queued') return 'Waiting to start';
  return STAGE_LABELS[document.progress.stage] ?? document.progress.stage;
}

/** A bar that never looks finished before the document is ready, nor empty once work has begun. */
export function displayPercent(document: DocumentView): number {
  if (document.status === 'ready') return 100;
  const percent = Math.max(0, Math.min(100, Math.round(document.progress.percent)));
  return document.status === 'failed' ? percent : Math.min(percent, 99);
}

/**
 * Failures that processing the same file again can fix (a start that did not happen, a timeout on
 * a busy machine, an unexpected error); a protected, corrupt or empty file fails the same way
 * every time, so it gets no "Retry" (see DocumentErrorCode in docs/openapi.yaml).
 */
const RETRYABLE_FAILURES = new Set(['workflow_start_failed', 'processing_failed', 'parse_timeout']);
export const isRetryableFailure = (document: Pick<DocumentView, 'status' | 'error'>) =>
  document.status === 'failed' && (!document.error || RETRYABLE_FAILURES.has(document.error.code));

export const isInFlight = (document: DocumentView) => document.status === 'queued' || document.status === 'processing';

export const temporalWorkflowUrl = (temporalUiUrl: string, namespace: string, workflowId: string) =>
  `${temporalUiUrl.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
