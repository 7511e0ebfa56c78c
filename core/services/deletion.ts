import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { BlobStore } from '../adapters/blob-store/types';
import type { Cache } from '../adapters/cache/types';
import type { VectorStore } from '../adapters/vector-store/types';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { WorkflowGateway } from '../ports/workflow-gateway';
import { revokeAllSessions, verifyPassword } from './auth';
import { announceClientChange, getClientForOwner } from './clients';
import type { InvalidationBus } from '../adapters/invalidation/types';
import { originalBlobKey, parsedBlobKey } from './documents';
import { bumpClientGeneration } from './query-cache';

/**
 * Deleting a site or an account, in two steps:
 * 1. synchronously (the request): the site is marked deleted, so every dashboard call on it is 404,
 *    its keys are revoked (401 here at once, in other API processes within the key cache TTL) and
 *    its cached answers are invalidated;
 * 2. durably (workflow `delete-client-<clientId>`, workflows/delete-client.ts): its running
 *    workflows are cancelled, then its vectors, stored files, sources and rows are removed.
 */

export interface DeletionDeps {
  knex: Knex;
  cache: Cache;
  blobStore: BlobStore;
  vectorStore: VectorStore;
  workflows?: WorkflowGateway;
  logger?: Logger;
  /** Tells every process to drop the site's cached keys at once (else they expire within the key cache TTL). */
  invalidation?: InvalidationBus;
}

async function markClientsDeleted(trx: Knex | Knex.Transaction, clientIds: string[]): Promise<void> {
  if (!clientIds.length) return;
  await trx('clients').whereIn('id', clientIds).whereNull('deleted_at').update({ deleted_at: trx.fn.now() });
  await trx('api_keys').whereIn('client_id', clientIds).whereNull('revoked_at').update({ revoked_at: trx.fn.now() });
}

async function afterMarked(deps: DeletionDeps, clientIds: string[]): Promise<void> {
  for (const clientId of clientIds) {
    await announceClientChange(deps.invalidation, clientId);
    await bumpClientGeneration(deps.cache, clientId);
  }
}

/** Starts the durable purge; without a workflow engine it runs here and now (still complete, not durable). */
async function startPurge(
  deps: DeletionDeps,
  start: () => Promise<unknown> | undefined,
  inline: () => Promise<void>,
): Promise<void> {
  try {
    const started = start();
    if (started) {
      await started;
      return;
    }
  } catch (error) {
    deps.logger?.error({ err: error }, 'could not start the deletion workflow; deleting inline');
  }
  await inline();
}

/** `DELETE /api/dashboard/clients/:clientId`. @throws 404 for a site the owner does not have. */
export async function deleteClientForOwner(
  deps: DeletionDeps,
  { ownerId, clientId }: { ownerId: string; clientId: unknown },
): Promise<void> {
  const client = await getClientForOwner(deps.knex, { ownerId, clientId });
  await deps.knex.transaction((trx) => markClientsDeleted(trx, [client.id]));
  await afterMarked(deps, [client.id]);
  await startPurge(
    deps,
    () => deps.workflows?.startClientDeletion?.({ clientId: client.id }),
    async () => {
      await deps.workflows?.cancelClientWorkflows?.({ clientId: client.id }).catch(() => undefined);
      await purgeClient(deps, { clientId: client.id });
    },
  );
}

/**
 * `DELETE /api/auth/me {password}`: checks the password, signs the account out everywhere,
 * releases its email, marks all its sites deleted and starts `delete-account-<userId>`.
 * @throws 400 without a password, 401 `invalid_credentials` for a wrong one.
 */
export async function deleteAccount(
  deps: DeletionDeps,
  { userId, password }: { userId: string; password: unknown },
): Promise<void> {
  if (typeof password !== 'string' || !password) {
    throw new AppError({
      code: 'invalid_input',
      status: 400,
      message: 'Enter your password to confirm deleting the account.',
    });
  }
  const user = await deps.knex('users').where({ id: userId }).whereNull('deleted_at').first();
  if (!user || !(await verifyPassword(password, user.password_hash))) {
    throw new AppError({ code: 'invalid_credentials', status: 401, message: 'The password is not right.' });
  }
  const clientIds: string[] = (await deps.knex('clients').where({ owner_id: userId }).select('id')).map(
    (row) => row.id,
  );
  await deps.knex.transaction(async (trx) => {
    await markClientsDeleted(trx, clientIds);
    await revokeAllSessions(trx, userId);
    await trx('users')
      .where({ id: userId })
      .update({ deleted_at: trx.fn.now(), email: `deleted-${randomUUID()}@deleted.invalid`, password_hash: '!' });
  });
  await afterMarked(deps, clientIds);
  await startPurge(
    deps,
    () => deps.workflows?.startAccountDeletion?.({ userId, clientIds }),
    async () => {
      for (const clientId of clientIds) {
        await deps.workflows?.cancelClientWorkflows?.({ clientId }).catch(() => undefined);
        await purgeClient(deps, { clientId });
      }
      await purgeUser(deps.knex, { userId });
    },
  );
}

/**
 * Removes the vectors and stored files of a (deleted) client's documents, in batches; `onBatch`
 * lets an activity heartbeat. Rows stay until `purgeClientRows`, so a retry finds what is left.
 */
export async function purgeClientFiles(
  deps: Pick<DeletionDeps, 'knex' | 'blobStore' | 'vectorStore'>,
  { clientId, onBatch }: { clientId: string; onBatch?: (done: number) => void },
): Promise<number> {
  let done = 0;
  for (;;) {
    const documents = await deps
      .knex('documents')
      .where({ client_id: clientId })
      .orderBy('id')
      .limit(50)
      .select('id', 'blob_key', 'version');
    if (!documents.length) return done;
    for (const document of documents) {
      await deps.knex('chunks').where({ document_id: document.id, client_id: clientId }).update({ active: false });
      await deps.vectorStore.deleteDocument({ clientId, documentId: document.id });
      const keys = new Set([document.blob_key, originalBlobKey(clientId, document.id)]);
      for (let version = 1; version <= document.version; version++)
        keys.add(parsedBlobKey(clientId, document.id, version));
      for (const key of keys) await deps.blobStore.delete(key).catch(() => undefined);
      await deps.knex('documents').where({ id: document.id, client_id: clientId }).delete();
      done++;
    }
    onBatch?.(done);
  }
}

/**
 * EXTENSION POINT for website sources ("crawl" work, table `sources`): delete the client's sources
 * (their pages are documents, removed by `purgeClientFiles`) and their Temporal schedules here.
 * The deletion activity first runs the sources service's `deleteSourcesOfClient` (crawls, schedules,
 * page documents); this removes whatever rows remain.
 */
export async function purgeClientSources(
  deps: Pick<DeletionDeps, 'knex'>,
  { clientId }: { clientId: string },
): Promise<void> {
  if (await deps.knex.schema.hasTable('sources')) await deps.knex('sources').where({ client_id: clientId }).delete();
}

/** Deletes the client's row; everything else of it goes by `on delete cascade` (keys, widget, conversations, feedback, contacts, written answers, usage). */
export async function purgeClientRows(
  deps: Pick<DeletionDeps, 'knex' | 'cache'>,
  { clientId }: { clientId: string },
): Promise<void> {
  await deps.knex('clients').where({ id: clientId }).delete();
  await bumpClientGeneration(deps.cache, clientId);
}

/** The whole purge of one client, in order (used inline when no workflow engine is reachable). */
export async function purgeClient(deps: DeletionDeps, { clientId }: { clientId: string }): Promise<void> {
  await purgeClientFiles(deps, { clientId });
  await purgeClientSources(deps, { clientId });
  await purgeClientRows(deps, { clientId });
}

/** Last step of an account deletion, once its sites are gone. */
export async function purgeUser(knex: Knex, { userId }: { userId: string }): Promise<void> {
  // Sites still being purged by their own workflow would lose their rows (and leave vectors) to the cascade: wait for them.
  const remaining = await knex('clients').where({ owner_id: userId }).first('id');
  if (remaining)
    throw new AppError({
      code: 'sites_still_deleting',
      status: 409,
      message: 'The account still has sites being deleted.',
      retryable: true,
    });
  await knex('users').where({ id: userId }).whereNotNull('deleted_at').delete();
}
