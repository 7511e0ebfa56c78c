import type { DocumentView } from './documents';
import { formatBytes } from './format';

export interface UploadState {
  localId: string;
  filename: string;
  size: number;
  loaded: number;
  total: number;
  status: 'uploading' | 'error';
  error?: string;
}

export interface UploadHandle {
  state: UploadState;
  abort(): void;
}

let counter = 0;

/** The API's `{error: {code, message}}` body, or a sentence for statuses that come without one. */
export function uploadErrorMessage(status: number, body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } };
    if (typeof parsed.error?.message === 'string' && parsed.error.message) return parsed.error.message;
  } catch {
    // Not JSON: a proxy's error page, for instance.
  }
  if (status === 401) return 'Your session has ended. Log in again, then upload the file.';
  if (status === 413) return 'The file is too large.';
  if (status === 415) return 'This file type is not supported. Use PDF, Word (.docx), text or CSV.';
  return `The upload failed (HTTP ${status}). Try again.`;
}

/**
 * Uploads one file to the API with XMLHttpRequest, which (unlike fetch) reports upload progress.
 * The site id goes first so the server can refuse a foreign site before the file streams.
 */
export function startUpload({
  file,
  clientId,
  maxFileSize,
  onProgress,
  onDone,
  onError,
}: {
  file: File;
  clientId: string;
  maxFileSize: number;
  onProgress: (localId: string, loaded: number, total: number) => void;
  onDone: (localId: string, document: DocumentView) => void;
  onError: (localId: string, message: string) => void;
}): UploadHandle {
  counter += 1;
  const localId = `upload-${Date.now()}-${counter}`;
  const state: UploadState = {
    localId,
    filename: file.name,
    size: file.size,
    loaded: 0,
    total: file.size,
    status: 'uploading',
  };

  // Saves sending megabytes only to be refused; the server enforces the same limits.
  if (file.size > maxFileSize || file.size === 0) {
    const message =
      file.size === 0
        ? 'The file is empty (0 bytes). Check that it saved correctly, then upload it again.'
        : `The file is larger than ${formatBytes(maxFileSize)}. Split it into smaller files and upload them one by one.`;
    queueMicrotask(() => onError(localId, message));
    return { state: { ...state, status: 'error', error: message }, abort: () => undefined };
  }

  const request = new XMLHttpRequest();
  let aborted = false;
  request.open('POST', '/api/dashboard/documents/upload');
  request.responseType = 'text';
  request.setRequestHeader('Accept', 'application/json');
  request.upload.addEventListener('progress', (event) => {
    if (event.lengthComputable) onProgress(localId, event.loaded, event.total);
  });
  request.addEventListener('load', () => {
    if (request.status === 202 || request.status === 201 || request.status === 200) {
      try {
        const { document } = JSON.parse(request.responseText) as { document: DocumentView };
        onDone(localId, document);
      } catch {
        onError(localId, 'The server accepted the file but its answer could not be read. Reload the page to see it.');
      }
      return;
    }
    onError(localId, uploadErrorMessage(request.status, request.responseText));
  });
  request.addEventListener('error', () =>
    onError(localId, 'The connection was lost during the upload. Check your network and try again.'),
  );
  request.addEventListener('abort', () => {
    if (!aborted) onError(localId, 'The upload was cancelled.');
  });
  const body = new FormData();
  body.append('clientId', clientId);
  body.append('file', file, file.name);
  request.send(body);
  return {
    state,
    abort() {
      aborted = true;
      request.abort();
    },
  };
}
