import { Context, heartbeat } from '@temporalio/activity';
import type { VectorPoint } from '../core/adapters/vector-store/types';
import { DocumentParseError } from '../core/errors';
import { chunkSections } from '../core/ingestion/chunker';
import type { FileType } from '../core/ingestion/types';
import { parsedBlobKey } from '../core/services/documents';
import { bumpClientGeneration } from '../core/services/query-cache';
import { createLegacyIngestionActivities } from './ingestion-legacy';
import {
  DocumentGone,
  embeddingInput,
  failure,
  loadDocument,
  writeChunkRows,
  type DocumentRef,
  type IngestionDeps,
} from './ingestion-shared';
import { parseDocument } from './parse';

export type { DocumentRef, IngestionDeps } from './ingestion-shared';

/**
 * Chunks per embed call and heartbeat: the local embedder runs on this thread, so a larger batch
 * would hold the event loop (and the heartbeat) for longer; 64 is also EMBEDDING_BATCH_SIZE's default.
 */
export const MAX_CHUNKS_PER_EMBED_CALL = 64;

/** Where the bar stands when parsing and chunking are done and embedding starts (percent). */
export const EMBEDDING_STARTS_AT_PERCENT = 15;

export function createIngestionActivities(deps: IngestionDeps) {
  const { knex, blobStore, embedder, vectorStore } = deps;

  return {
    ...createLegacyIngestionActivities(deps),

    /**
     * Marks the document processing, reads the stored file, parses it (worker thread with a
     * deadline), chunks it (~`chunkTokens` tokens) and writes the chunk rows, all in one activity:
     * the parsed text never leaves this process. Returns the chunk count the embed ranges use.
     * Errors: a file the tenant can fix fails non-retryably with its code (`pdf_encrypted`,
     * `empty_document`, …); a deleted or superseded document with `document_deleted`.
     */
    async prepareDocument(ref: DocumentRef): Promise<{ chunksTotal: number; pageCount: number | null }> {
      try {
        // One round trip marks the row and reads what parsing needs.
        const [document] = (await knex('documents')
          .where({ id: ref.documentId, client_id: ref.clientId, version: ref.version })
          .update({
            status: 'processing',
            stage: 'parsing',
            percent: 0,
            chunks_done: 0,
            chunks_total: 0,
            error_code: null,
            error_message: null,
            updated_at: knex.fn.now(),
          })
          .returning(['blob_key', 'file_type'])) as Array<{ blob_key: string; file_type: FileType }>;
        if (!document) throw new DocumentGone();
        const parsed = await parseDocument({
          bytes: await blobStore.get(document.blob_key),
          fileType: document.file_type,
          limits: deps.parseTimeoutMs ? { timeoutMs: deps.parseTimeoutMs } : undefined,
        });
        const chunks = chunkSections(parsed.sections, {
          maxTokens: deps.chunkTokens,
          overlapTokens: deps.chunkOverlapTokens,
        });
        if (chunks.length === 0)
          throw new DocumentParseError({ code: 'empty_document', message: 'No text found in this file.' });
        const pageCount = parsed.pageCount ?? null;
        await knex.transaction(async (trx) => {
          await writeChunkRows(trx, ref, chunks);
          await trx('documents').where({ id: ref.documentId, client_id: ref.clientId, version: ref.version }).update({
            stage: 'embedding',
            percent: EMBEDDING_STARTS_AT_PERCENT,
            chunks_total: chunks.length,
            page_count: pageCount,
            updated_at: trx.fn.now(),
          });
        });
        return { chunksTotal: chunks.length, pageCount };
      } catch (error) {
        return failure(error);
      }
    },

    /**
     * Embeds chunks [from, to) in the embedder's batch size (at most 64) and writes each batch straight to the
     * vector store (inactive; deterministic ids make a retry overwrite, never duplicate). Vectors
     * are written once, nowhere else. The heartbeat carries the cursor, so a retry after a crash
     * resumes at the first batch not yet stored. One read fetches the range with the filename.
     */
    async embedAndStoreChunks(ref: DocumentRef & { from: number; to: number }): Promise<{ stored: number }> {
      try {
        const resumeAt =
          (Context.current().info.heartbeatDetails as { cursor?: number } | undefined)?.cursor ?? ref.from;
        const start = Math.max(resumeAt, ref.from);
        if (start >= ref.to) return { stored: 0 };
        const rows = (await knex('chunks')
          .join('documents', 'documents.id', 'chunks.document_id')
          .where({
            'chunks.document_id': ref.documentId,
            'chunks.version': ref.version,
            'documents.client_id': ref.clientId,
          })
          .whereBetween('chunks.chunk_index', [start, ref.to - 1])
          .orderBy('chunks.chunk_index')
          .select(
            'chunks.id',
            'chunks.chunk_index',
            'chunks.text',
            'chunks.heading',
            'chunks.page',
            'documents.filename',
          )) as Array<{
          id: string;
          chunk_index: number;
          text: string;
          heading: string | null;
          page: number | null;
          filename: string;
        }>;
        // The rows go with the document (deleted) or with a failed version: nothing left to embed.
        if (rows.length === 0) throw new DocumentGone();
        let stored = 0;
        const batchSize = Math.min(embedder.maxBatchSize, MAX_CHUNKS_PER_EMBED_CALL);
        for (let offset = 0; offset < rows.length; offset += batchSize) {
          const batch = rows.slice(offset, offset + batchSize);
          const vectors = await embedder.embed(batch.map(embeddingInput), {
            signal: Context.current().cancellationSignal,
          });
          const points: VectorPoint[] = batch.map((row, index) => ({
            id: row.id,
            vector: vectors[index],
            clientId: ref.clientId,
            documentId: ref.documentId,
            version: ref.version,
            chunkIndex: row.chunk_index,
            text: row.text,
            page: row.page,
            filename: row.filename,
          }));
          await vectorStore.upsert(points);
          stored += points.length;
          heartbeat({ cursor: batch.at(-1)!.chunk_index + 1 });
        }
        return { stored };
      } catch (error) {
        return failure(error);
      }
    },

    /** Makes this version the answering one, removes older versions, and marks the document ready. */
    async activateDocument(ref: DocumentRef & { chunksTotal: number }): Promise<void> {
      try {
        await loadDocument(knex, ref);
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
      await knex('documents').where({ id: ref.documentId, client_id: ref.clientId, version: ref.version }).update({
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
