import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useFetcher, useLoaderData, useSearchParams } from '@remix-run/react';
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import { deleteDocument, getDocument, listDocuments, reingestDocument } from '../../../core/services/documents';
import { ConfirmDialog } from '../components/confirm-dialog';
import { DocumentRow, UploadRow } from '../components/document-rows';
import { CsrfInput } from '../components/csrf-input';
import { EmptyState } from '../components/empty-state';
import { FormAlert } from '../components/fields';
import { Icon } from '../components/icons';
import { RouteErrorPanel } from '../components/route-error';
import { useDocumentEvents, useRefreshWhileQuiet } from '../components/use-document-events';
import { documentDeps, requireCsrf, requireOwnedClient } from '../context.server';
import { formFailure, textField } from '../forms.server';
import {
  countByStatus,
  filterDocuments,
  isInFlight,
  mergeDocuments,
  parseStatusFilter,
  STATUS_FILTERS,
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
    listed.map((document) =>
      isInFlight(document)
        ? getDocument(deps, { clientId: client.id, documentId: document.id }).catch(() => document)
        : document,
    ),
  );
  return {
    clientId: client.id,
    documents,
    maxFileSize: container.config.MAX_FILE_SIZE,
    // Temporal Web shows every tenant's workflows: linked only when the operator made it public on purpose.
    temporal: container.config.TEMPORAL_UI_PUBLIC
      ? { uiUrl: container.config.temporalUiUrl, namespace: container.config.TEMPORAL_NAMESPACE }
      : null,
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

const ACCEPT =
  '.pdf,.docx,.txt,.md,.csv,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document,text/plain,text/markdown,text/csv';
const FILTER_LABELS: Record<StatusFilter, string> = {
  all: 'All',
  queued: 'Queued',
  processing: 'Processing',
  ready: 'Ready',
  failed: 'Failed',
};

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
        if (document.status === 'failed')
          setAnnouncement(`${document.filename} failed: ${document.error?.message ?? ''}`);
      }
      previousStatus.current.set(document.id, document.status);
    }
  }, [documents]);

  useEffect(() => {
    const data = deleteFetcher.data;
    if (deleteFetcher.state === 'idle' && data?.ok && data.intent === 'delete') forget(data.documentId);
  }, [deleteFetcher.state, deleteFetcher.data, forget]);

  const updateUpload = useCallback((localId: string, patch: Partial<UploadState> | null) => {
    setUploads((current) =>
      patch
        ? current.map((upload) => (upload.localId === localId ? { ...upload, ...patch } : upload))
        : current.filter((upload) => upload.localId !== localId),
    );
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
        <span
          className={connected ? 'live-indicator on' : 'live-indicator'}
          title={connected ? 'Updates arrive live' : 'Reconnecting to live updates'}
        >
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
        <p className="muted">
          PDF, Word (.docx), text (.txt, .md) or CSV · up to {formatBytes(maxFileSize)} each · several at once
        </p>
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
          <p>
            Upload your FAQ, product guides, policies or price lists. Once a document is ready, the widget answers from
            it and cites it.
          </p>
        </EmptyState>
      ) : (
        <section className="card flush" aria-labelledby="documents-list-title">
          <div className="card-header padded">
            <h2 id="documents-list-title" className="card-title">
              {pluralize(documents.length, 'document')}
            </h2>
            <nav className="segmented" aria-label="Filter by status">
              {STATUS_FILTERS.map((value) => (
                <Link
                  key={value}
                  to={filterHref(value)}
                  className="segment"
                  aria-current={filter === value ? 'page' : undefined}
                  preventScrollReset
                  replace
                >
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
              <DocumentRow
                key={document.id}
                document={document}
                temporal={temporal}
                onChanged={remember}
                onDelete={setConfirming}
              />
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
            <strong>{confirming?.filename}</strong> and everything learned from it are removed at once; the assistant
            stops citing it. This cannot be undone.
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
