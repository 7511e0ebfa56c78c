import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useFetcher, useLoaderData, useRevalidator, useSearchParams } from '@remix-run/react';
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import { deleteDocument, getDocument, listDocuments, reingestDocument } from '../../../core/services/documents';
import { ConfirmDialog } from '../components/confirm-dialog';
import { CsrfInput } from '../components/csrf-input';
import { EmptyState } from '../components/empty-state';
import { FormAlert } from '../components/fields';
import { Icon } from '../components/icons';
import { LocalTime } from '../components/local-time';
import { RouteErrorPanel } from '../components/route-error';
import { StatusBadge } from '../components/status-badge';
import { documentDeps, requireCsrf, requireOwnedClient } from '../context.server';
import { formFailure, textField } from '../forms.server';
import {
  countByStatus,
  displayPercent,
  filterDocuments,
  isInFlight,
  mergeDocuments,
  parseStatusFilter,
  progressLabel,
  isRetryableFailure,
  STATUS_FILTERS,
  temporalWorkflowUrl,
  type DocumentView,
  type StatusFilter,
} from '../lib/documents';
import { formatBytes, pluralize } from '../lib/format';
import { startUpload, type UploadHandle, type UploadState } from '../lib/upload';

export const meta: MetaFunction = () => [{ title: 'Documents · ChatConnect' }];

export async function loader({ context, params, request }: LoaderFunctionArgs) {
  const client = await requireOwnedClient(context, params.clientId, request);
  const { container } = context;
  const deps = documentDeps(container);
  const listed = await listDocuments(container.db.knex, { clientId: client.id });
  // In-flight documents get their live progress from the workflow, as the event stream does.
  const documents = await Promise.all(
    listed.map((document) => (isInFlight(document) ? getDocument(deps, { clientId: client.id, documentId: document.id }).catch(() => document) : document)),
  );
  return {
    clientId: client.id,
    documents,
    maxFileSize: container.config.MAX_FILE_SIZE,
    // Temporal Web shows every tenant's workflows: linked only when the operator made it public on purpose.
    temporal: container.config.TEMPORAL_UI_PUBLIC ? { uiUrl: container.config.temporalUiUrl, namespace: container.config.TEMPORAL_NAMESPACE } : null,
  };
}

export async function action({ context, params, request }: ActionFunctionArgs) {
  const client = await requireOwnedClient(context, params.clientId);
  const formData = await request.formData();
  requireCsrf(formData, context);
  const intent = textField(formData, 'intent');
  const documentId = textField(formData, 'documentId');
  const deps = documentDeps(context.container);
  try {
    if (intent === 'reingest') {
      const document = await reingestDocument(deps, { clientId: client.id, documentId });
      return { ok: true as const, intent, documentId, document };
    }
    if (intent === 'delete') {
      await deleteDocument(deps, { clientId: client.id, documentId });
      return { ok: true as const, intent, documentId, document: null };
    }
    throw new Response('Unknown action.', { status: 400 });
  } catch (error) {
    return formFailure(error, { intent, documentId, document: null });
  }
}

const ACCEPT = '.pdf,.docx,.txt,.md,.csv,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document,text/plain,text/markdown,text/csv';
const FILTER_LABELS: Record<StatusFilter, string> = { all: 'All', queued: 'Queued', processing: 'Processing', ready: 'Ready', failed: 'Failed' };

function ProgressBar({ percent, label, tone }: { percent: number | null; label: string; tone?: 'danger' | 'success' }) {
  // Unknown progress (a queued document) is an indeterminate bar: no value, a sliding fill.
  if (percent === null) {
    return (
      <div className="progress indeterminate" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-label={label}>
        <div className="progress-fill" />
      </div>
    );
  }
  return (
    <div className={tone ? `progress ${tone}` : 'progress'} role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} aria-label={label}>
      <div className="progress-fill" style={{ width: `${percent}%` }} />
    </div>
  );
}

function UploadRow({ upload, onDismiss }: { upload: UploadState; onDismiss: () => void }) {
  const percent = upload.total ? Math.round((upload.loaded / upload.total) * 100) : 0;
  return (
    <li className={upload.status === 'error' ? 'doc-row has-error' : 'doc-row'} data-upload-status={upload.status}>
      <div className="doc-icon" aria-hidden="true">
        <Icon name={upload.status === 'error' ? 'alert' : 'upload'} size={18} />
      </div>
      <div className="doc-main">
        <div className="doc-title-row">
          <span className="doc-name">{upload.filename}</span>
          {upload.status === 'error' ? <span className="badge status-failed">Not uploaded</span> : <span className="badge status-queued">Uploading</span>}
        </div>
        <p className="doc-meta">{formatBytes(upload.size)}</p>
        {upload.status === 'error' ? (
          <p className="doc-error" role="alert">
            {upload.error}
          </p>
        ) : (
          <div className="doc-progress">
            <div className="doc-progress-label">
              <span>Uploading</span>
              <span>{percent}%</span>
            </div>
            <ProgressBar percent={percent} label={`Uploading ${upload.filename}`} />
          </div>
        )}
      </div>
      <div className="doc-actions">
        {upload.status === 'error' ? (
          <button type="button" className="button ghost small" onClick={onDismiss}>
            Dismiss<span className="visually-hidden"> {upload.filename}</span>
          </button>
        ) : null}
      </div>
    </li>
  );
}

function DocumentRow({
  document,
  temporal,
  onChanged,
  onDelete,
}: {
  document: DocumentView;
  temporal: { uiUrl: string; namespace: string } | null;
  onChanged: (document: DocumentView) => void;
  onDelete: (document: DocumentView) => void;
}) {
  const fetcher = useFetcher<typeof action>();
  const busy = fetcher.state !== 'idle';
  useEffect(() => {
    if (fetcher.state === 'idle' && fetcher.data?.ok && fetcher.data.document) onChanged(fetcher.data.document);
  }, [fetcher.state, fetcher.data, onChanged]);
  const percent = displayPercent(document);
  const inFlight = isInFlight(document);
  const { progress } = document;
  const meta = [formatBytes(document.sizeBytes), document.fileType.toUpperCase()];
  if (document.pageCount) meta.push(pluralize(document.pageCount, 'page'));
  if (document.status === 'ready') meta.push(pluralize(document.chunkCount, 'passage'));

  return (
    <li className={document.status === 'failed' ? 'doc-row has-error' : 'doc-row'} data-document-id={document.id} data-status={document.status}>
      <div className="doc-icon" aria-hidden="true">
        <Icon name="file" size={18} />
      </div>
      <div className="doc-main">
        <div className="doc-title-row">
          <span className="doc-name">{document.filename}</span>
          <StatusBadge status={document.status} />
        </div>
        <p className="doc-meta">
          {meta.join(' · ')} · added <LocalTime iso={document.createdAt} mode="relative" />
        </p>
        {inFlight ? (
          <div className="doc-progress">
            <div className="doc-progress-label">
              <span>
                {progressLabel(document)}
                {progress.chunksTotal > 0 ? ` · ${progress.chunksDone} of ${progress.chunksTotal} passages` : ''}
              </span>
              {document.status === 'queued' ? null : <span>{percent}%</span>}
            </div>
            <ProgressBar percent={document.status === 'queued' ? null : percent} label={`Processing ${document.filename}: ${progressLabel(document)}`} />
          </div>
        ) : null}
        {document.status === 'failed' ? (
          <p className="doc-error">
            {document.error?.message ?? 'Processing failed. Retry, or upload the file again.'}
            {isRetryableFailure(document) ? null : ' Retrying the same file would fail the same way: fix the file, then upload it again.'}
          </p>
        ) : null}
        {fetcher.data && !fetcher.data.ok ? <p className="doc-error" role="alert">{fetcher.data.formError}</p> : null}
      </div>
      <div className="doc-actions">
        {isRetryableFailure(document) || document.status === 'ready' ? (
          <fetcher.Form method="post">
            <CsrfInput />
            <input type="hidden" name="intent" value="reingest" />
            <input type="hidden" name="documentId" value={document.id} />
            <button type="submit" className={document.status === 'failed' ? 'button secondary small' : 'button ghost small'} disabled={busy}>
              <Icon name="refresh" />
              {busy ? 'Starting…' : document.status === 'failed' ? 'Retry' : 'Re-ingest'}
              <span className="visually-hidden"> {document.filename}</span>
            </button>
          </fetcher.Form>
        ) : null}
        {document.workflowId && temporal ? (
          <a
            className="button ghost small"
            href={temporalWorkflowUrl(temporal.uiUrl, temporal.namespace, document.workflowId)}
            target="_blank"
            rel="noopener noreferrer"
            title={`Workflow ${document.workflowId} in Temporal Web`}
          >
            <Icon name="external" />
            Workflow<span className="visually-hidden"> of {document.filename} in Temporal Web (opens in a new tab)</span>
          </a>
        ) : null}
        <button type="button" className="button ghost small danger-text" onClick={() => onDelete(document)}>
          <Icon name="trash" />
          Delete<span className="visually-hidden"> {document.filename}</span>
        </button>
      </div>
    </li>
  );
}

/** Subscribes to the document event stream of one site; EventSource reconnects by itself after drops. */
function useDocumentEvents(clientId: string, onDocument: (document: DocumentView) => void, onDeleted: (id: string) => void) {
  const [connected, setConnected] = useState(false);
  const lastEventAt = useRef(Date.now());
  const handlers = useRef({ onDocument, onDeleted });
  handlers.current = { onDocument, onDeleted };
  useEffect(() => {
    const source = new EventSource(`/api/dashboard/documents/events?clientId=${encodeURIComponent(clientId)}`);
    source.addEventListener('open', () => setConnected(true));
    source.addEventListener('error', () => setConnected(false));
    source.addEventListener('document', (event) => {
      const { document } = JSON.parse((event as MessageEvent<string>).data) as { document: DocumentView };
      lastEventAt.current = Date.now();
      handlers.current.onDocument(document);
    });
    source.addEventListener('deleted', (event) => {
      const { documentId } = JSON.parse((event as MessageEvent<string>).data) as { documentId: string };
      handlers.current.onDeleted(documentId);
    });
    return () => source.close();
  }, [clientId]);
  return { connected, lastEventAt };
}

const QUIET_AFTER_MS = 4000;

/**
 * A safety net under the event stream: while a document shows as in progress but no event has
 * arrived for a few seconds (a change the stream skipped, e.g. a re-ingest that finished between
 * two of its polls, or a reconnect), the loader is asked again. While work is visibly moving,
 * events arrive every second and this never fires.
 */
function useRefreshWhileQuiet(documents: DocumentView[], lastEventAt: { current: number }) {
  const revalidator = useRevalidator();
  const waiting = documents.some(isInFlight);
  const state = useRef(revalidator);
  state.current = revalidator;
  useEffect(() => {
    if (!waiting) return;
    const timer = setInterval(() => {
      if (Date.now() - lastEventAt.current > QUIET_AFTER_MS && state.current.state === 'idle') {
        lastEventAt.current = Date.now();
        state.current.revalidate();
      }
    }, 1000);
    return () => clearInterval(timer);
  }, [waiting, lastEventAt]);
}

export default function Documents() {
  const { clientId, documents: loaded, maxFileSize, temporal } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const filter = parseStatusFilter(searchParams.get('status'));
  const [live, setLive] = useState<Map<string, DocumentView>>(() => new Map());
  const [deleted, setDeleted] = useState<Set<string>>(() => new Set());
  const [uploads, setUploads] = useState<UploadState[]>([]);
  const [announcement, setAnnouncement] = useState('');
  const [dragging, setDragging] = useState(false);
  const [confirming, setConfirming] = useState<DocumentView | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const handles = useRef(new Map<string, UploadHandle>());
  const deleteFetcher = useFetcher<typeof action>();
  const previousStatus = useRef(new Map<string, string>());

  // Live views replace loader ones per id, so switching sites must start from a clean slate.
  useEffect(() => {
    setLive(new Map());
    setDeleted(new Set());
    setUploads([]);
    previousStatus.current = new Map();
  }, [clientId]);
  useEffect(() => () => handles.current.forEach((handle) => handle.abort()), []);

  const remember = useCallback((document: DocumentView) => {
    setLive((current) => {
      const next = new Map(current);
      next.set(document.id, document);
      return next;
    });
    setDeleted((current) => {
      if (!current.has(document.id)) return current;
      const next = new Set(current);
      next.delete(document.id);
      return next;
    });
  }, []);
  const forget = useCallback((documentId: string) => {
    setDeleted((current) => new Set(current).add(documentId));
  }, []);
  const { connected, lastEventAt } = useDocumentEvents(clientId, remember, forget);

  const documents = useMemo(() => mergeDocuments(loaded, live, deleted), [loaded, live, deleted]);
  useRefreshWhileQuiet(documents, lastEventAt);
  const counts = countByStatus(documents);
  const visible = filterDocuments(documents, filter);

  // One polite announcement per finished document, so screen-reader users hear results without polling.
  useEffect(() => {
    for (const document of documents) {
      const before = previousStatus.current.get(document.id);
      if (before && before !== document.status) {
        if (document.status === 'ready') setAnnouncement(`${document.filename} is ready.`);
        if (document.status === 'failed') setAnnouncement(`${document.filename} failed: ${document.error?.message ?? ''}`);
      }
      previousStatus.current.set(document.id, document.status);
    }
  }, [documents]);

  useEffect(() => {
    const data = deleteFetcher.data;
    if (deleteFetcher.state === 'idle' && data?.ok && data.intent === 'delete') forget(data.documentId);
  }, [deleteFetcher.state, deleteFetcher.data, forget]);

  const updateUpload = useCallback((localId: string, patch: Partial<UploadState> | null) => {
    setUploads((current) => (patch ? current.map((upload) => (upload.localId === localId ? { ...upload, ...patch } : upload)) : current.filter((upload) => upload.localId !== localId)));
  }, []);

  const addFiles = (files: FileList | File[]) => {
    const list = [...files];
    if (!list.length) return;
    const started: UploadState[] = [];
    for (const file of list) {
      const handle = startUpload({
        file,
        clientId,
        maxFileSize,
        onProgress: (localId, loadedBytes, total) => updateUpload(localId, { loaded: loadedBytes, total }),
        onDone: (localId, document) => {
          handles.current.delete(localId);
          remember(document);
          updateUpload(localId, null);
          setAnnouncement(`${document.filename} uploaded; processing has started.`);
        },
        onError: (localId, message) => {
          handles.current.delete(localId);
          updateUpload(localId, { status: 'error', error: message });
          setAnnouncement(`${file.name} was not uploaded: ${message}`);
        },
      });
      handles.current.set(handle.state.localId, handle);
      started.push(handle.state);
    }
    setUploads((current) => [...started, ...current]);
    setAnnouncement(`Uploading ${pluralize(list.length, 'file')}.`);
  };

  const onDrop = (event: DragEvent<HTMLElement>) => {
    event.preventDefault();
    setDragging(false);
    addFiles(event.dataTransfer.files);
  };

  const filterHref = (value: StatusFilter) => (value === 'all' ? '.' : `?status=${value}`);
  const nothingYet = documents.length === 0 && uploads.length === 0;

  return (
    <div className="stack-lg">
      <div className="section-header">
        <div>
          <h1 className="section-heading">Documents</h1>
          <p className="muted">The assistant answers only from documents that are ready.</p>
        </div>
        <span className={connected ? 'live-indicator on' : 'live-indicator'} title={connected ? 'Updates arrive live' : 'Reconnecting to live updates'}>
          <span className="live-dot" aria-hidden="true" />
          {connected ? 'Live' : 'Connecting…'}
        </span>
      </div>

      <section
        className={dragging ? 'dropzone dragging' : 'dropzone'}
        aria-labelledby="dropzone-title"
        onDragEnter={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragOver={(event) => {
          event.preventDefault();
          event.dataTransfer.dropEffect = 'copy';
        }}
        onDragLeave={(event) => {
          if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDragging(false);
        }}
        onDrop={onDrop}
      >
        <div className="dropzone-icon" aria-hidden="true">
          <Icon name="upload" size={22} />
        </div>
        <h2 id="dropzone-title" className="dropzone-title">
          Drop files here to upload
        </h2>
        <p className="muted">PDF, Word (.docx), text (.txt, .md) or CSV · up to {formatBytes(maxFileSize)} each · several at once</p>
        <input
          ref={fileInput}
          id="file-input"
          className="visually-hidden"
          type="file"
          multiple
          accept={ACCEPT}
          onChange={(event) => {
            if (event.target.files) addFiles(event.target.files);
            event.target.value = '';
          }}
        />
        <button type="button" className="button secondary" onClick={() => fileInput.current?.click()}>
          Choose files
        </button>
      </section>

      <div className="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </div>

      {nothingYet ? (
        <EmptyState icon="doc" title="No documents yet">
          <p>Upload your FAQ, product guides, policies or price lists. Once a document is ready, the widget answers from it and cites it.</p>
        </EmptyState>
      ) : (
        <section className="card flush" aria-labelledby="documents-list-title">
          <div className="card-header padded">
            <h2 id="documents-list-title" className="card-title">
              {pluralize(documents.length, 'document')}
            </h2>
            <nav className="segmented" aria-label="Filter by status">
              {STATUS_FILTERS.map((value) => (
                <Link key={value} to={filterHref(value)} className="segment" aria-current={filter === value ? 'page' : undefined} preventScrollReset replace>
                  {FILTER_LABELS[value]}
                  <span className="segment-count">{counts[value]}</span>
                </Link>
              ))}
            </nav>
          </div>
          <FormAlert message={deleteFetcher.data && !deleteFetcher.data.ok ? deleteFetcher.data.formError : null} />
          <ul className="doc-list" aria-label="Documents">
            {uploads.map((upload) => (
              <UploadRow key={upload.localId} upload={upload} onDismiss={() => updateUpload(upload.localId, null)} />
            ))}
            {visible.map((document) => (
              <DocumentRow key={document.id} document={document} temporal={temporal} onChanged={remember} onDelete={setConfirming} />
            ))}
          </ul>
          {visible.length === 0 && documents.length > 0 ? (
            <p className="list-empty">
              No {FILTER_LABELS[filter].toLowerCase()} documents. <Link to=".">Show all documents</Link>
            </p>
          ) : null}
        </section>
      )}

      <ConfirmDialog
        open={confirming !== null}
        onClose={() => setConfirming(null)}
        title="Delete this document?"
        description={
          <p>
            <strong>{confirming?.filename}</strong> and everything learned from it are removed at once; the assistant stops citing it. This cannot be undone.
          </p>
        }
      >
        <deleteFetcher.Form method="post" onSubmit={() => setConfirming(null)}>
          <CsrfInput />
          <input type="hidden" name="intent" value="delete" />
          <input type="hidden" name="documentId" value={confirming?.id ?? ''} />
          <button type="submit" className="button danger">
            Delete document
          </button>
        </deleteFetcher.Form>
      </ConfirmDialog>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteErrorPanel />;
}
