import { Context, heartbeat } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Knex } from 'knex';
import { DocumentParseError, isAppError } from '../core/errors';
import type { BlobStore } from '../core/adapters/blob-store/types';
import type { Cache } from '../core/adapters/cache/types';
import type { Embedder } from '../core/adapters/embedder/types';
import type { VectorStore, VectorPoint } from '../core/adapters/vector-store/types';
import { pointId } from '../core/adapters/vector-store/point-id';
import { chunkSections } from '../core/ingestion/chunker';
import type { ParsedDocument, FileType } from '../core/ingestion/types';
import { parsedBlobKey } from '../core/services/documents';
import { bumpClientGeneration } from '../core/services/query-cache';
import type { Metrics } from '../core/metrics';
import { parseDocument } from './parse';

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

/** A document row deleted while its workflow ran: nothing left to do, and nothing to retry. */
class DocumentGone extends Error {}

const failure = (error: unknown): never => {
  if (error instanceof DocumentGone) throw ApplicationFailure.nonRetryable('The document was deleted.', 'document_deleted');
  if (error instanceof DocumentParseError) throw ApplicationFailure.nonRetryable(error.message, error.code);
  if (isAppError(error) && !error.retryable && error.status < 500) throw ApplicationFailure.nonRetryable(error.message, error.code);
  throw error;
};

export function createIngestionActivities(deps: IngestionDeps) {
  const { knex, blobStore, embedder, vectorStore } = deps;

  async function loadDocument({ clientId, documentId }: DocumentRef) {
    const row = await knex('documents').where({ id: documentId, client_id: clientId }).first();
    if (!row) throw new DocumentGone();
    return row as { blob_key: string; file_type: FileType; filename: string; version: number };
  }

  return {
    async markDocumentProcessing(ref: DocumentRef & { stage: string; percent: number; chunksDone?: number; chunksTotal?: number }): Promise<void> {
      await knex('documents')
        .where({ id: ref.documentId, client_id: ref.clientId, version: ref.version })
        .update({
          status: 'processing',
          stage: ref.stage,
          percent: ref.percent,
          chunks_done: ref.chunksDone ?? 0,
          chunks_total: ref.chunksTotal ?? 0,
          error_code: null,
          error_message: null,
          updated_at: knex.fn.now(),
        });
    },

    /** Reads the stored file, extracts text with its pages/rows/headings and stores that for the chunk stage. */
    async parseDocument(ref: DocumentRef): Promise<{ sections: number; pageCount: number | null; characters: number }> {
      try {
        const document = await loadDocument(ref);
        const bytes = await blobStore.get(document.blob_key);
        const parsed: ParsedDocument = await parseDocument({
          bytes,
          fileType: document.file_type,
          limits: deps.parseTimeoutMs ? { timeoutMs: deps.parseTimeoutMs } : undefined,
        });
        await blobStore.put(parsedBlobKey(ref.clientId, ref.documentId, ref.version), Buffer.from(JSON.stringify(parsed)));
        const characters = parsed.sections.reduce((sum, section) => sum + section.text.length, 0);
        await knex('documents').where({ id: ref.documentId, client_id: ref.clientId }).update({ page_count: parsed.pageCount ?? null });
        return { sections: parsed.sections.length, pageCount: parsed.pageCount ?? null, characters };
      } catch (error) {
        return failure(error);
      }
    },

    /** Splits the parsed text into ~500-token chunks and stores them (without vectors) for this version. */
    async chunkDocument(ref: DocumentRef): Promise<{ chunksTotal: number }> {
      try {
        await loadDocument(ref);
        const parsed = JSON.parse((await blobStore.get(parsedBlobKey(ref.clientId, ref.documentId, ref.version))).toString('utf8')) as ParsedDocument;
        const chunks = chunkSections(parsed.sections, { maxTokens: deps.chunkTokens, overlapTokens: deps.chunkOverlapTokens });
        await knex.transaction(async (trx) => {
          // A retried activity starts clean: same ids, same rows.
          await trx('chunks').where({ document_id: ref.documentId, version: ref.version }).delete();
          for (let start = 0; start < chunks.length; start += 500) {
            await trx('chunks').insert(
              chunks.slice(start, start + 500).map((chunk) => ({
                id: pointId({ clientId: ref.clientId, documentId: ref.documentId, version: ref.version, chunkIndex: chunk.index }),
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
        });
        if (chunks.length === 0) {
          throw new DocumentParseError({ code: 'empty_document', message: 'No text found in this file.' });
        }
        return { chunksTotal: chunks.length };
      } catch (error) {
        return failure(error);
      }
    },

    /**
     * Embeds chunks [from, to) in provider-sized batches. The heartbeat carries the cursor, so a
     * retry after a crash resumes at the first batch not yet stored.
     */
    async embedChunks(ref: DocumentRef & { from: number; to: number }): Promise<{ embedded: number }> {
      try {
        await loadDocument(ref);
        const resumeAt = (Context.current().info.heartbeatDetails as { cursor?: number } | undefined)?.cursor ?? ref.from;
        let embedded = 0;
        for (let cursor = Math.max(resumeAt, ref.from); cursor < ref.to; cursor += embedder.maxBatchSize) {
          const end = Math.min(cursor + embedder.maxBatchSize, ref.to);
          const rows = await knex('chunks')
            .where({ document_id: ref.documentId, version: ref.version })
            .whereBetween('chunk_index', [cursor, end - 1])
            .whereNull('embedding')
            .orderBy('chunk_index')
            .select('id', 'text', 'heading');
          if (rows.length) {
            const vectors = await embedder.embed(
              rows.map((row) => (row.heading ? `${row.heading}\n${row.text}` : row.text)),
              { signal: Context.current().cancellationSignal },
            );
            await knex.transaction(async (trx) => {
              for (let index = 0; index < rows.length; index++) {
                await trx('chunks').where({ id: rows[index].id }).update({ embedding: vectors[index] });
              }
            });
            embedded += rows.length;
          }
          heartbeat({ cursor: end });
        }
        return { embedded };
      } catch (error) {
        return failure(error);
      }
    },

    /** Writes chunks [from, to) to the vector store, inactive until the version is activated. Deterministic ids make this idempotent. */
    async upsertChunks(ref: DocumentRef & { from: number; to: number }): Promise<{ upserted: number }> {
      try {
        const document = await loadDocument(ref);
        const rows = await knex('chunks')
          .where({ document_id: ref.documentId, version: ref.version })
          .whereBetween('chunk_index', [ref.from, ref.to - 1])
          .orderBy('chunk_index');
        const points: VectorPoint[] = rows.map((row) => {
          if (!row.embedding) throw new Error(`chunk ${row.chunk_index} has no embedding yet`);
          return {
            id: row.id,
            vector: row.embedding.map(Number),
            clientId: ref.clientId,
            documentId: ref.documentId,
            version: ref.version,
            chunkIndex: row.chunk_index,
            text: row.text,
            page: row.page,
            filename: document.filename,
          };
        });
        for (let start = 0; start < points.length; start += 128) {
          await vectorStore.upsert(points.slice(start, start + 128));
          heartbeat();
        }
        return { upserted: points.length };
      } catch (error) {
        return failure(error);
      }
    },

    /** Makes this version the answering one, removes older versions, and marks the document ready. */
    async activateDocument(ref: DocumentRef & { chunksTotal: number }): Promise<void> {
      try {
        await loadDocument(ref);
        await vectorStore.activateVersion(ref);
        await knex.transaction(async (trx) => {
          await trx('chunks').where({ document_id: ref.documentId }).whereNot({ version: ref.version }).delete();
          await trx('chunks').where({ document_id: ref.documentId, version: ref.version }).update({ active: true });
          await trx('documents').where({ id: ref.documentId, client_id: ref.clientId }).update({
            status: 'ready',
            stage: 'done',
            percent: 100,
            chunks_done: ref.chunksTotal,
            chunks_total: ref.chunksTotal,
            chunk_count: ref.chunksTotal,
            active_version: ref.version,
            embedding_model: embedder.model,
            error_code: null,
            error_message: null,
            ready_at: trx.fn.now(),
            updated_at: trx.fn.now(),
          });
        });
        await bumpClientGeneration(deps.cache, ref.clientId);
        deps.metrics?.documentsIngested.inc({ file_type: 'any', status: 'ready' });
      } catch (error) {
        return failure(error);
      }
    },

    /**
     * Records a failure a tenant admin can act on and clears what this version left behind.
     * An older ready version keeps answering; the document shows the error of the newest try.
     */
    async failDocument(ref: DocumentRef & { code: string; message: string }): Promise<void> {
      const row = await knex('documents').where({ id: ref.documentId, client_id: ref.clientId }).first();
      if (!row) return;
      await knex('chunks').where({ document_id: ref.documentId, version: ref.version, active: false }).delete();
      await vectorStore.deleteVersion(ref).catch(() => undefined);
      await knex('documents')
        .where({ id: ref.documentId, client_id: ref.clientId, version: ref.version })
        .update({
          status: 'failed',
          error_code: ref.code,
          error_message: ref.message,
          updated_at: knex.fn.now(),
        });
      await blobStore.delete(parsedBlobKey(ref.clientId, ref.documentId, ref.version)).catch(() => undefined);
      deps.metrics?.documentsIngested.inc({ file_type: row.file_type, status: 'failed' });
    },
  };
}

export type IngestionActivities = ReturnType<typeof createIngestionActivities>;
