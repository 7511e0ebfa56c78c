import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import protos from '@temporalio/proto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { IngestionActivities } from '../../activities/ingestion';
import { createIngestionActivities } from '../../activities/ingestion';
import { WORKFLOWS_PATH, workflowBundle } from '../../temporal/worker';
import { createMemoryCache } from '../../core/adapters/cache/memory';
import { createFilesystemBlobStore } from '../../core/adapters/blob-store/filesystem';
import type { Embedder } from '../../core/adapters/embedder/types';
import { startTestStack, type TestStack } from '../setup/stack';
import { createClientWithKey, signUpAdmin, waitForDocument } from '../factories';
import { createWorkflowGateway } from '../../temporal/gateway';
import { vectorTableFor } from '../../core/services/embedding-migration';
import { IngestOutcomeKey } from '../../workflows/ingest-document';

describe('ingestDocument workflow', () => {
  // Recorded before the `coarse-ingestion` patch: runs started then must still replay (legacy path).
  it('replays a history recorded before the coarse-ingestion patch', async () => {
    const history = protos.temporal.api.history.v1.History.decode(
      readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'ingest-document-history.pb')),
    );
    expect(history.events.length).toBeGreaterThan(20);
    await Worker.runReplayHistory({ workflowsPath: WORKFLOWS_PATH }, history, 'ingest-recorded');
  });

  it('replays a history recorded with the coarse activities', async () => {
    const history = protos.temporal.api.history.v1.History.decode(
      readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'ingest-document-history-coarse.pb')),
    );
    const activityTypes = history.events.flatMap(
      (event) => event.activityTaskScheduledEventAttributes?.activityType?.name ?? [],
    );
    expect(activityTypes).toEqual(['prepareDocument', 'embedAndStoreChunks', 'activateDocument']);
    await Worker.runReplayHistory({ workflowsPath: WORKFLOWS_PATH }, history, 'ingest-recorded-coarse');
  });

  describe('with stubbed activities on the dev server', () => {
    let client: Client;
    let connection: NativeConnection;
    beforeAll(async () => {
      client = new Client({ connection: await Connection.connect({ address: inject('temporalAddress') }) });
      connection = await NativeConnection.connect({ address: inject('temporalAddress') });
    });
    afterAll(async () => {
      await client.connection.close();
      await connection.close();
    });

    /** Starts a run through the product's gateway (its summary, search attributes) on a worker with stubbed activities. */
    async function runWith(
      activities: Partial<IngestionActivities>,
      calls: string[],
      label = { filename: 'handbook.pdf', siteName: 'Harbour Ferries' },
    ) {
      const taskQueue = `stub-${randomUUID()}`;
      const record = <T extends (...args: any[]) => any>(name: string, fn: T) =>
        (async (...args: Parameters<T>) => {
          calls.push(name);
          return fn(...args);
        }) as T;
      const fail = async () => {
        throw new Error('a legacy activity was called by a new run');
      };
      const base: IngestionActivities = {
        markDocumentProcessing: fail,
        parseDocument: fail,
        chunkDocument: fail,
        embedChunks: fail,
        upsertChunks: fail,
        prepareDocument: async () => ({ chunksTotal: 130, pageCount: 3 }),
        embedAndStoreChunks: async ({ from, to }) => ({ stored: to - from }),
        activateDocument: async () => undefined,
        failDocument: async () => undefined,
      };
      const merged = Object.fromEntries(
        Object.entries({ ...base, ...activities }).map(([name, fn]) => [
          name,
          record(name, fn as (...args: any[]) => any),
        ]),
      );
      const worker = await Worker.create({
        connection,
        taskQueue,
        workflowBundle: await workflowBundle(),
        activities: merged,
      });
      const documentId = randomUUID();
      const gateway = createWorkflowGateway({ client, taskQueue });
      return worker.runUntil(async () => {
        const { workflowId } = await gateway.startIngestion({
          clientId: randomUUID(),
          documentId,
          version: 1,
          ...label,
        });
        const handle = client.workflow.getHandle(workflowId);
        const result = await handle.result().then(
          (value) => ({ ok: true as const, value }),
          (error: unknown) => ({ ok: false as const, error }),
        );
        return { result, description: await handle.describe() };
      });
    }

    it('prepares, embeds into the store in ranges, activates, ends ready, and carries its summary', async () => {
      const calls: string[] = [];
      const { result, description } = await runWith({}, calls);
      expect(result).toEqual({
        ok: true,
        value: { outcome: 'ready', stage: 'done', percent: 100, chunksDone: 130, chunksTotal: 130 },
      });
      expect(calls).toEqual(['prepareDocument', 'embedAndStoreChunks', 'embedAndStoreChunks', 'activateDocument']);
      expect(await description.staticSummary()).toBe('Ingest handbook.pdf for Harbour Ferries (v1)');
      expect(await description.staticDetails()).toContain('**Site:** Harbour Ferries');
    });

    it('completes a user-caused failure with a user_error result, records it once, and does not retry it', async () => {
      const calls: string[] = [];
      let failed: { code: string; message: string } | undefined;
      const message = 'This PDF is password-protected. Remove the password and upload it again.';
      const { result, description } = await runWith(
        {
          prepareDocument: async () => {
            throw ApplicationFailure.nonRetryable(message, 'pdf_encrypted');
          },
          failDocument: async (args) => {
            failed = { code: args.code, message: args.message };
          },
        },
        calls,
        { filename: 'locked.pdf', siteName: 'Harbour Ferries' },
      );
      expect(result).toEqual({ ok: true, value: { outcome: 'user_error', code: 'pdf_encrypted', message } });
      expect(description.status.name).toBe('COMPLETED');
      expect(description.typedSearchAttributes.get(IngestOutcomeKey)).toBe('user_error');
      expect(await description.staticSummary()).toBe('Ingest locked.pdf for Harbour Ferries (v1)');
      expect(calls.filter((name) => name === 'prepareDocument')).toHaveLength(1);
      expect(failed).toEqual({ code: 'pdf_encrypted', message });
    });

    it('fails the workflow on exhausted retries of an infrastructure failure, with a generic, actionable message', async () => {
      const calls: string[] = [];
      let failed: { code: string; message: string } | undefined;
      const { result, description } = await runWith(
        {
          prepareDocument: async () => {
            throw ApplicationFailure.retryable('connection reset by peer at 10.0.0.3:5432', 'Error');
          },
          failDocument: async (args) => {
            failed = { code: args.code, message: args.message };
          },
        },
        calls,
      );
      expect(result.ok).toBe(false);
      expect(!result.ok && result.error).toBeInstanceOf(WorkflowFailedError);
      expect(description.status.name).toBe('FAILED');
      expect(calls.filter((name) => name === 'prepareDocument')).toHaveLength(3);
      expect(failed?.code).toBe('processing_failed');
      expect(failed?.message).not.toContain('10.0.0.3');
    }, 60_000);
  });
});

describe('embedAndStoreChunks activity', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ database: 'pglite', redis: false });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('writes vectors only to the vector store, resumes from the heartbeat cursor and heartbeats its progress', async () => {
    const { admin } = await signUpAdmin(stack.url);
    const { client } = await createClientWithKey(admin);
    const text = Array.from(
      { length: 200 },
      (_, index) => `Section ${index}. ${'The quick brown fox jumps over the lazy dog. '.repeat(30)}`,
    ).join('\n\n');
    const upload = await admin.upload(client.id, 'long.txt', text);
    const document = await waitForDocument(admin, upload.data.document.id);
    expect(document.chunkCount).toBeGreaterThan(8);
    const knex = stack.container.db.knex;
    expect(
      Number(
        (
          await knex('chunks')
            .where({ document_id: document.id })
            .whereNotNull('embedding')
            .count<{ count: number }[]>({ count: '*' })
        )[0].count,
      ),
    ).toBe(0);

    // A new version, prepared but not embedded, as if a worker crashed after its first batches were stored.
    const version = document.version + 1;
    await knex('documents').where({ id: document.id }).update({ version });
    const embedded: string[][] = [];
    const counting: Embedder = {
      model: 'counting',
      dimensions: stack.container.embedder.dimensions,
      maxBatchSize: 2,
      embed: async (texts) => {
        embedded.push(texts);
        return stack.container.embedder.embed(texts);
      },
    };
    const activities = createIngestionActivities({
      knex,
      blobStore: createFilesystemBlobStore({ directory: stack.config.uploadDir }),
      cache: createMemoryCache(),
      embedder: counting,
      vectorStore: stack.container.vectorStore,
      chunkTokens: 500,
      chunkOverlapTokens: 50,
    });
    const ref = { clientId: client.id, documentId: document.id, version };
    const prepared = (await new MockActivityEnvironment().run(activities.prepareDocument, ref)) as {
      chunksTotal: number;
    };
    expect(prepared.chunksTotal).toBe(document.chunkCount);

    const heartbeats: unknown[] = [];
    const env = new MockActivityEnvironment({ heartbeatDetails: { cursor: 4 } });
    env.on('heartbeat', (details) => heartbeats.push(details));
    const result = await env.run(activities.embedAndStoreChunks, { ...ref, from: 0, to: 8 });
    expect(result).toEqual({ stored: 4 });
    expect(embedded.flat()).toHaveLength(4);
    expect(heartbeats).toEqual([{ cursor: 6 }, { cursor: 8 }]);
    const table = vectorTableFor(stack.container.embedder.model, stack.container.embedder.dimensions);
    const stored = await knex(table)
      .where({ document_id: document.id, version })
      .orderBy('chunk_index')
      .pluck('chunk_index');
    expect(stored).toEqual([4, 5, 6, 7]);
  });
});
