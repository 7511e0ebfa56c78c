import { Context, heartbeat } from '@temporalio/activity';
import type { VectorPoint } from '../core/adapters/vector-store/types';
import { chunkSections } from '../core/ingestion/chunker';
import type { ParsedDocument } from '../core/ingestion/types';
import { DocumentParseError } from '../core/errors';
import { parsedBlobKey } from '../core/services/documents';
import { parseDocument } from './parse';
import {
  embeddingInput,
  failure,
  loadDocument,
  writeChunkRows,
  type DocumentRef,
  type IngestionDeps,
} from './ingestion-shared';

/**
 * The fine-grained activities of ingestDocument before the `coarse-ingestion` patch (parse, chunk,
 * embed into `chunks.embedding`, read back and upsert, one status write per stage). Workflows
 * started before that patch replay onto these, so they stay registered until no such run is open
 * (`temporal workflow list --query "WorkflowType='ingestDocument' AND ExecutionStatus='Running'"`
 * lists none started before the upgrade); new runs never call them.
 */
export function createLegacyIngestionActivities(deps: IngestionDeps) {
  const { knex, blobStore, embedder, vectorStore } = deps;
  return {
    async markDocumentProcessing(
      ref: DocumentRef & { stage: string; percent: number; chunksDone?: number; chunksTotal?: number },
    ): Promise<void> {
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

    async parseDocument(ref: DocumentRef): Promise<{ sections: number; pageCount: number | null; characters: number }> {
      try {
        const document = await loadDocument(knex, ref);
        const bytes = await blobStore.get(document.blob_key);
        const parsed: ParsedDocument = await parseDocument({
          bytes,
          fileType: document.file_type,
          limits: deps.parseTimeoutMs ? { timeoutMs: deps.parseTimeoutMs } : undefined,
        });
        await blobStore.put(
          parsedBlobKey(ref.clientId, ref.documentId, ref.version),
          Buffer.from(JSON.stringify(parsed)),
        );
        const characters = parsed.sections.reduce((sum, section) => sum + section.text.length, 0);
        await knex('documents')
          .where({ id: ref.documentId, client_id: ref.clientId })
          .update({ page_count: parsed.pageCount ?? null });
        return { sections: parsed.sections.length, pageCount: parsed.pageCount ?? null, characters };
      } catch (error) {
        return failure(error);
      }
    },

    async chunkDocument(ref: DocumentRef): Promise<{ chunksTotal: number }> {
      try {
        await loadDocument(knex, ref);
        const parsed = JSON.parse(
          (await blobStore.get(parsedBlobKey(ref.clientId, ref.documentId, ref.version))).toString('utf8'),
        ) as ParsedDocument;
        const chunks = chunkSections(parsed.sections, {
          maxTokens: deps.chunkTokens,
          overlapTokens: deps.chunkOverlapTokens,
        });
        await writeChunkRows(knex, ref, chunks);
        if (chunks.length === 0)
          throw new DocumentParseError({ code: 'empty_document', message: 'No text found in this file.' });
        return { chunksTotal: chunks.length };
      } catch (error) {
        return failure(error);
      }
    },

    async embedChunks(ref: DocumentRef & { from: number; to: number }): Promise<{ embedded: number }> {
      try {
        await loadDocument(knex, ref);
        const resumeAt =
          (Context.current().info.heartbeatDetails as { cursor?: number } | undefined)?.cursor ?? ref.from;
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
            const vectors = await embedder.embed(rows.map(embeddingInput), {
              signal: Context.current().cancellationSignal,
            });
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

    async upsertChunks(ref: DocumentRef & { from: number; to: number }): Promise<{ upserted: number }> {
      try {
        const document = await loadDocument(knex, ref);
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
  };
}
