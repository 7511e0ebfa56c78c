import { randomUUID } from 'node:crypto';
import { withTenant } from '../db/tenant';
import type { Knex } from 'knex';
import { AppError, notFound } from '../errors';
import type { BlobStore } from '../adapters/blob-store/types';
import type { Cache } from '../adapters/cache/types';
import type { VectorStore } from '../adapters/vector-store/types';
import type { IngestionProgress, WorkflowGateway } from '../ports/workflow-gateway';
import { detectFileType } from '../ingestion/detect-type';
import type { FileType } from '../ingestion/types';
import type { Logger } from '../logger';
import { isUuid } from './clients';
import { Document as DocumentModel } from '../db/models';
import { bumpClientGeneration } from './query-cache';

export const DOCUMENT_STATUSES = ['queued', 'processing', 'ready', 'failed'] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

export interface DocumentView {
  id: string;
  clientId: string;
  filename: string;
  fileType: FileType;
  sizeBytes: number;
  status: DocumentStatus;
  progress: IngestionProgress;
  chunkCount: number;
  vectorCount?: number;
  pageCount: number | null;
  error: { code: string; message: string } | null;
  workflowId: string | null;
  version: number;
  /** The website source a page came from; null for uploads. */
  sourceId: string | null;
  /** A web page's title; null for uploads. */
  title: string | null;
  createdAt: string;
  updatedAt: string;
  readyAt: string | null;
}

export interface DocumentDeps {
  knex: Knex;
  blobStore: BlobStore;
  vectorStore: VectorStore;
  cache: Cache;
  workflows?: WorkflowGateway;
  logger?: Logger;
}

export const originalBlobKey = (clientId: string, documentId: string) =>
  `clients/${clientId}/documents/${documentId}/original`;
export const parsedBlobKey = (clientId: string, documentId: string, version: number) =>
  `clients/${clientId}/documents/${documentId}/parsed-v${version}.json`;

interface DocumentRow {
  id: string;
  client_id: string;
  filename: string;
  file_type: FileType;
  size_bytes: number;
  blob_key: string;
  status: DocumentStatus;
  stage: IngestionProgress['stage'] | null;
  percent: number;
  chunks_done: number;
  chunks_total: number;
  chunk_count: number;
  page_count: number | null;
  error_code: string | null;
  error_message: string | null;
  workflow_id: string | null;
  version: number;
  active_version: number | null;
  created_at: Date;
  updated_at: Date;
  ready_at: Date | null;
  source_id?: string | null;
  title?: string | null;
}

function toView(row: DocumentRow): DocumentView {
  const stage = row.status === 'ready' ? 'done' : (row.stage ?? 'parsing');
  return {
    id: row.id,
    clientId: row.client_id,
    filename: row.filename,
    fileType: row.file_type,
    sizeBytes: Number(row.size_bytes),
    status: row.status,
    progress: { stage, percent: row.percent, chunksDone: row.chunks_done, chunksTotal: row.chunks_total },
    chunkCount: row.chunk_count,
    pageCount: row.page_count,
    error: row.error_code ? { code: row.error_code, message: row.error_message ?? 'Processing failed.' } : null,
    workflowId: row.workflow_id,
    version: row.version,
    sourceId: row.source_id ?? null,
    title: row.title ?? null,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    readyAt: row.ready_at ? new Date(row.ready_at).toISOString() : null,
  };
}

/** Keeps the name a person gave the file, minus paths and control characters. */
export function cleanFilename(name: string | undefined): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, '')
    .trim()
    .slice(0, 200);
  return cleaned || 'untitled';
}

/**
 * Streams an upload into the blob store, refusing it as soon as it passes `maxBytes`
 * (never buffering all of an oversized file). Returns the stored size.
 */
export async function storeUpload({
  blobStore,
  key,
  data,
  maxBytes,
}: {
  blobStore: BlobStore;
  key: string;
  data: AsyncIterable<Uint8Array>;
  maxBytes: number;
}): Promise<number> {
  const { Readable } = await import('node:stream');
  let seen = 0;
  const limited = Readable.from(
    (async function* () {
      for await (const chunk of data) {
        seen += chunk.byteLength;
        if (seen > maxBytes) throw tooLarge(maxBytes);
        yield chunk;
      }
    })(),
  );
  try {
    return await blobStore.put(key, limited);
  } catch (error) {
    await blobStore.delete(key).catch(() => undefined);
    throw error;
  }
}

const workflowsUnavailable = () =>
  new AppError({
    code: 'workflows_unavailable',
    status: 503,
    message: 'Document processing is not available right now. Try again in a minute.',
  });

const emptyFile = () =>
  new AppError({
    code: 'empty_file',
    status: 400,
    message: 'The file is empty (0 bytes). Check that it saved correctly, then upload it again.',
  });

export const tooLarge = (maxBytes: number) =>
  new AppError({
    code: 'file_too_large',
    status: 413,
    message: `The file is larger than ${Math.round(maxBytes / 1024 / 1024)} MB. Split it into smaller files and upload them one by one.`,
  });

/**
 * After the bytes are stored: judge the type by content, record the document as queued and start
 * `ingest-<documentId>`. On refusal the stored bytes are removed.
 */
export async function registerUpload(
  deps: DocumentDeps,
  {
    clientId,
    documentId,
    filename,
    blobKey,
    sizeBytes,
  }: { clientId: string; documentId: string; filename: string; blobKey: string; sizeBytes: number },
): Promise<DocumentView> {
  let fileType: FileType;
  try {
    if (sizeBytes === 0) throw emptyFile();
    if (!deps.workflows) throw workflowsUnavailable();
    const bytes = await deps.blobStore.get(blobKey);
    fileType = detectFileType({ bytes, filename });
  } catch (error) {
    await deps.blobStore.delete(blobKey).catch(() => undefined);
    throw error;
  }
  await deps.knex('documents').insert({
    id: documentId,
    client_id: clientId,
    filename,
    file_type: fileType,
    size_bytes: sizeBytes,
    blob_key: blobKey,
    status: 'queued',
    stage: 'parsing',
    version: 1,
  });
  return startIngestion(deps, { clientId, documentId, version: 1, filename });
}

/** Starts `ingest-<documentId>` for a recorded document (an upload, or a page of a website source). */
export async function startIngestion(
  deps: DocumentDeps,
  {
    clientId,
    documentId,
    version,
    filename,
  }: { clientId: string; documentId: string; version: number; filename: string },
): Promise<DocumentView> {
  if (!deps.workflows) throw workflowsUnavailable();
  try {
    // The site's name labels the run in Temporal Web beside the file name.
    const site = await deps.knex('clients').where({ id: clientId }).first('name');
    const { workflowId } = await deps.workflows.startIngestion({
      clientId,
      documentId,
      version,
      filename,
      siteName: site?.name,
    });
    await deps
      .knex('documents')
      .where({ id: documentId, client_id: clientId })
      .update({ workflow_id: workflowId, updated_at: deps.knex.fn.now() });
  } catch (error) {
    deps.logger?.error({ err: error, documentId }, 'could not start ingestion workflow');
    await deps.knex('documents').where({ id: documentId, client_id: clientId }).update({
      status: 'failed',
      error_code: 'workflow_start_failed',
      error_message: 'Processing could not start. Use "Retry" to try again.',
      updated_at: deps.knex.fn.now(),
    });
  }
  // Just started: the row says queued at 0%, so no round trip asks the new workflow for progress.
  return getDocument(deps, { clientId, documentId, withLiveProgress: false });
}

export async function listDocuments(
  knex: Knex,
  { clientId, status }: { clientId: string; status?: DocumentStatus },
): Promise<DocumentView[]> {
  // Read as the tenant: row-level security backs the forClient filter.
  return withTenant(knex, clientId, async (trx) => {
    const query = DocumentModel.query(trx).modify('forClient', clientId).orderBy('created_at', 'desc').limit(1000);
    if (status) query.where({ status });
    return ((await query) as unknown as DocumentRow[]).map(toView);
  });
}

/** A foreign or missing id is the same 404. Live progress comes from the workflow's query while it runs. */
export async function getDocument(
  deps: Pick<DocumentDeps, 'knex' | 'workflows' | 'vectorStore'>,
  {
    clientId,
    documentId,
    withVectorCount = false,
    withLiveProgress = true,
  }: { clientId: string; documentId: unknown; withVectorCount?: boolean; withLiveProgress?: boolean },
): Promise<DocumentView> {
  if (!isUuid(documentId)) throw notFound('document');
  const row = (await DocumentModel.query(deps.knex).modify('forClient', clientId).findById(documentId)) as unknown as
    DocumentRow | undefined;
  if (!row) throw notFound('document');
  const view = toView(row);
  if (withLiveProgress && (view.status === 'queued' || view.status === 'processing') && deps.workflows) {
    const live = await deps.workflows.ingestionProgress(view.id).catch(() => null);
    if (live) view.progress = live;
  }
  if (withVectorCount) view.vectorCount = await deps.vectorStore.countDocument({ clientId, documentId: view.id });
  return view;
}

export async function deleteDocument(
  deps: DocumentDeps,
  { clientId, documentId }: { clientId: string; documentId: unknown },
): Promise<void> {
  if (!isUuid(documentId)) throw notFound('document');
  const row = await deps.knex<DocumentRow>('documents').where({ id: documentId, client_id: clientId }).first();
  if (!row) throw notFound('document');
  // Out of retrieval first, so a visitor never gets an answer from a deleted document.
  await deps.knex('chunks').where({ document_id: row.id, client_id: clientId }).update({ active: false });
  await deps.vectorStore.deleteDocument({ clientId, documentId: row.id });
  await bumpClientGeneration(deps.cache, clientId);
  await deps.workflows
    ?.cancelIngestion(row.id)
    .catch((error) => deps.logger?.warn({ err: error, documentId: row.id }, 'cancel failed'));
  await deps.knex('documents').where({ id: row.id, client_id: clientId }).delete();
  // A cancelled run may still be finishing an activity: clear its vectors once more.
  await deps.vectorStore.deleteDocument({ clientId, documentId: row.id });
  await deps.blobStore.delete(row.blob_key).catch(() => undefined);
  for (let version = 1; version <= row.version; version++) {
    await deps.blobStore.delete(parsedBlobKey(clientId, row.id, version)).catch(() => undefined);
  }
}

/** Processes the stored file again as a new version; the current version answers until the new one is ready. */
export async function reingestDocument(
  deps: DocumentDeps,
  { clientId, documentId }: { clientId: string; documentId: unknown },
): Promise<DocumentView> {
  if (!isUuid(documentId)) throw notFound('document');
  const row = await deps.knex<DocumentRow>('documents').where({ id: documentId, client_id: clientId }).first();
  if (!row) throw notFound('document');
  const version = row.version + 1;
  await deps.knex('documents').where({ id: row.id, client_id: clientId }).update({
    version,
    status: 'queued',
    stage: 'parsing',
    percent: 0,
    chunks_done: 0,
    chunks_total: 0,
    error_code: null,
    error_message: null,
    updated_at: deps.knex.fn.now(),
  });
  return startIngestion(deps, { clientId, documentId: row.id, version, filename: row.filename });
}

export const newDocumentId = () => randomUUID();
