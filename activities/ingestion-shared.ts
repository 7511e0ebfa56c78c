import { ApplicationFailure } from '@temporalio/common';
import type { Knex } from 'knex';
import { DocumentParseError, isAppError } from '../core/errors';
import type { BlobStore } from '../core/adapters/blob-store/types';
import type { Cache } from '../core/adapters/cache/types';
import type { Embedder } from '../core/adapters/embedder/types';
import type { VectorStore } from '../core/adapters/vector-store/types';
import { pointId } from '../core/adapters/vector-store/point-id';
import type { FileType, TextChunk } from '../core/ingestion/types';
import type { Metrics } from '../core/metrics';

export interface IngestionDeps {
  knex: Knex;
  blobStore: BlobStore;
  cache: Cache;
  embedder: Embedder;
  vectorStore: VectorStore;
  metrics?: Metrics;
  chunkTokens: number;
  chunkOverlapTokens: number;
  parseTimeoutMs?: number;
}

export interface DocumentRef {
  clientId: string;
  documentId: string;
  version: number;
}

export interface DocumentRecord {
  blob_key: string;
  file_type: FileType;
  filename: string;
  version: number;
}

/** A document row deleted while its workflow ran: nothing left to do, and nothing to retry. */
export class DocumentGone extends Error {}

/**
 * Turns what an activity threw into what Temporal should do with it: failures a tenant admin can
 * fix (parse errors, 4xx AppErrors) and a deleted document are non-retryable with their code as the
 * failure type; anything else is rethrown and retried by the activity's retry policy.
 */
export const failure = (error: unknown): never => {
  if (error instanceof DocumentGone)
    throw ApplicationFailure.nonRetryable('The document was deleted.', 'document_deleted');
  if (error instanceof DocumentParseError) throw ApplicationFailure.nonRetryable(error.message, error.code);
  if (isAppError(error) && !error.retryable && error.status < 500)
    throw ApplicationFailure.nonRetryable(error.message, error.code);
  throw error;
};

/** The document row of this tenant, or DocumentGone. One indexed read by primary key. */
export async function loadDocument(knex: Knex, { clientId, documentId }: DocumentRef): Promise<DocumentRecord> {
  const row = await knex('documents')
    .where({ id: documentId, client_id: clientId })
    .first('blob_key', 'file_type', 'filename', 'version');
  if (!row) throw new DocumentGone();
  return row as DocumentRecord;
}

/** Rows per multi-row INSERT: 13 columns × 500 = 6,500 bound values, far under PostgreSQL's 65,535. */
const CHUNK_INSERT_BATCH = 500;

/**
 * Replaces this version's chunk rows (inactive, without vectors) in one transaction: a retried
 * activity starts clean with the same deterministic ids. `trx` may be the caller's transaction.
 */
export async function writeChunkRows(
  knex: Knex | Knex.Transaction,
  ref: DocumentRef,
  chunks: TextChunk[],
): Promise<void> {
  const write = async (trx: Knex.Transaction) => {
    await trx('chunks').where({ document_id: ref.documentId, version: ref.version }).delete();
    for (let start = 0; start < chunks.length; start += CHUNK_INSERT_BATCH) {
      await trx('chunks').insert(
        chunks.slice(start, start + CHUNK_INSERT_BATCH).map((chunk) => ({
          id: pointId({
            clientId: ref.clientId,
            documentId: ref.documentId,
            version: ref.version,
            chunkIndex: chunk.index,
          }),
          client_id: ref.clientId,
          document_id: ref.documentId,
          version: ref.version,
          chunk_index: chunk.index,
          text: chunk.text,
          token_count: chunk.tokenCount,
          page: chunk.page ?? null,
          page_end: chunk.pageEnd ?? null,
          row_start: chunk.rowStart ?? null,
          row_end: chunk.rowEnd ?? null,
          heading: chunk.heading ?? null,
          active: false,
        })),
      );
    }
  };
  if ((knex as Knex.Transaction).isTransaction) await write(knex as Knex.Transaction);
  else await knex.transaction(write);
}

/** What the embedder reads for a chunk: its heading (when any) above its text. */
export const embeddingInput = (row: { heading: string | null; text: string }) =>
  row.heading ? `${row.heading}\n${row.text}` : row.text;
