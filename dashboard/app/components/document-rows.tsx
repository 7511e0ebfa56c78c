import { useFetcher } from '@remix-run/react';
import { useEffect } from 'react';
import {
  displayPercent,
  isInFlight,
  isRetryableFailure,
  progressLabel,
  temporalWorkflowUrl,
  type DocumentView,
} from '../lib/documents';
import { formatBytes, pluralize } from '../lib/format';
import type { UploadState } from '../lib/upload';
import type { action } from '../routes/sites.$clientId.documents';
import { CsrfInput } from './csrf-input';
import { Icon } from './icons';
import { LocalTime } from './local-time';
import { StatusBadge } from './status-badge';

// The rows of the documents page (routes/sites.$clientId.documents.tsx): an upload in progress and a stored document.

export function ProgressBar({
  percent,
  label,
  tone,
}: {
  percent: number | null;
  label: string;
  tone?: 'danger' | 'success';
}) {
  // Unknown progress (a queued document) is an indeterminate bar: no value, a sliding fill.
  if (percent === null) {
    return (
      <div
        className="progress indeterminate"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-label={label}
      >
        <div className="progress-fill" />
      </div>
    );
  }
  return (
    <div
      className={tone ? `progress ${tone}` : 'progress'}
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      aria-label={label}
    >
      <div className="progress-fill" style={{ width: `${percent}%` }} />
    </div>
  );
}

export function UploadRow({ upload, onDismiss }: { upload: UploadState; onDismiss: () => void }) {
  const percent = upload.total ? Math.round((upload.loaded / upload.total) * 100) : 0;
  return (
    <li className={upload.status === 'error' ? 'doc-row has-error' : 'doc-row'} data-upload-status={upload.status}>
      <div className="doc-icon" aria-hidden="true">
        <Icon name={upload.status === 'error' ? 'alert' : 'upload'} size={18} />
      </div>
      <div className="doc-main">
        <div className="doc-title-row">
          <span className="doc-name">{upload.filename}</span>
          {upload.status === 'error' ? (
            <span className="badge status-failed">Not uploaded</span>
          ) : (
            <span className="badge status-queued">Uploading</span>
          )}
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

export function DocumentRow({
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
    <li
      className={document.status === 'failed' ? 'doc-row has-error' : 'doc-row'}
      data-document-id={document.id}
      data-status={document.status}
    >
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
            <ProgressBar
              percent={document.status === 'queued' ? null : percent}
              label={`Processing ${document.filename}: ${progressLabel(document)}`}
            />
          </div>
        ) : null}
        {document.status === 'failed' ? (
          <p className="doc-error">
            {document.error?.message ?? 'Processing failed. Retry, or upload the file again.'}
            {isRetryableFailure(document)
              ? null
              : ' Retrying the same file would fail the same way: fix the file, then upload it again.'}
          </p>
        ) : null}
        {fetcher.data && !fetcher.data.ok ? (
          <p className="doc-error" role="alert">
            {fetcher.data.formError}
          </p>
        ) : null}
      </div>
      <div className="doc-actions">
        {isRetryableFailure(document) || document.status === 'ready' ? (
          <fetcher.Form method="post">
            <CsrfInput />
            <input type="hidden" name="intent" value="reingest" />
            <input type="hidden" name="documentId" value={document.id} />
            <button
              type="submit"
              className={document.status === 'failed' ? 'button secondary small' : 'button ghost small'}
              disabled={busy}
            >
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
            Workflow
            <span className="visually-hidden"> of {document.filename} in Temporal Web (opens in a new tab)</span>
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
