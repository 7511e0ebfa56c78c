import type { Logger } from '../logger';
import { reingestDocument, type DocumentDeps } from './documents';

/**
 * When the configured embedding model changes, every document embedded with another model is
 * ingested again (a new version, so its old one answers until the new one is ready) and its site
 * records the new model. Idempotent: documents already on the model are left alone.
 */
export async function reembedStaleDocuments(
  deps: DocumentDeps & { logger?: Logger },
  { embeddingModel }: { embeddingModel: string },
): Promise<number> {
  const stale = await deps
    .knex('documents')
    .whereIn('status', ['ready', 'failed'])
    .whereNotNull('embedding_model')
    .whereNot('embedding_model', embeddingModel)
    .select('id', 'client_id');
  for (const document of stale) {
    await reingestDocument(deps, { clientId: document.client_id, documentId: document.id });
  }
  const clients = [...new Set(stale.map((document) => document.client_id as string))];
  if (clients.length) await deps.knex('clients').whereIn('id', clients).update({ embedding_model: embeddingModel });
  if (stale.length)
    deps.logger?.info(
      { documents: stale.length, embeddingModel },
      're-embedding documents for the new embedding model',
    );
  return stale.length;
}

/** The pgvector table for one embedding model and size: a model change never mixes vectors from two models. */
export function vectorTableFor(model: string, dimensions: number): string {
  const slug = model
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 20);
  return `chunk_vectors_${slug}_${dimensions}`;
}
