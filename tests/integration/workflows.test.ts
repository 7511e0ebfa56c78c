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

describe('ingestDocument workflow', () => {
  it('replays a recorded history deterministically', async () => {
    const history = protos.temporal.api.history.v1.History.decode(readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'ingest-document-history.pb')));
    expect(history.events.length).toBeGreaterThan(20);
    await Worker.runReplayHistory({ workflowsPath: WORKFLOWS_PATH }, history, 'ingest-recorded');
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

    async function runWith(activities: Partial<IngestionActivities>, calls: string[]) {
      const taskQueue = `stub-${randomUUID()}`;
      const record = <T extends (...args: any[]) => any>(name: string, fn: T) =>
        (async (...args: Parameters<T>) => {
          calls.push(name);
          return fn(...args);
        }) as T;
      const base: IngestionActivities = {
        markDocumentProcessing: async () => undefined,
        parseDocument: async () => ({ sections: 1, pageCount: null, characters: 10 }),
        chunkDocument: async () => ({ chunksTotal: 130 }),
        embedChunks: async ({ from, to }) => ({ embedded: to - from }),
        upsertChunks: async ({ from, to }) => ({ upserted: to - from }),
        activateDocument: async () => undefined,
        failDocument: async () => undefined,
      };
      const merged = Object.fromEntries(
        Object.entries({ ...base, ...activities }).map(([name, fn]) => [name, record(name, fn as (...args: any[]) => any)]),
      );
      const worker = await Worker.create({ connection, taskQueue, workflowBundle: await workflowBundle(), activities: merged });
      return worker.runUntil(
        client.workflow.execute('ingestDocument', {
          taskQueue,
          workflowId: `ingest-${randomUUID()}`,
          args: [{ clientId: randomUUID(), documentId: randomUUID(), version: 1 }],
        }),
      );
    }

    it('runs the stages in order, embedding and upserting in ranges, and ends done at 100%', async () => {
      const calls: string[] = [];
      const result = await runWith({}, calls);
      expect(result).toEqual({ stage: 'done', percent: 100, chunksDone: 130, chunksTotal: 130 });
      expect(calls.filter((name) => name === 'embedChunks')).toHaveLength(3);
      expect(calls.filter((name) => name === 'upsertChunks')).toHaveLength(3);
      expect(calls.indexOf('parseDocument')).toBeLessThan(calls.indexOf('chunkDocument'));
      expect(calls.at(-1)).toBe('activateDocument');
    });

    it('records a non-retryable parser failure once, with its message, and does not retry it', async () => {
      const calls: string[] = [];
      let failed: { code: string; message: string } | undefined;
      const message = 'This PDF is password-protected. Remove the password and upload it again.';
      await expect(
        runWith(
          {
            parseDocument: async () => {
              throw ApplicationFailure.nonRetryable(message, 'pdf_encrypted');
            },
            failDocument: async (args) => {
              failed = { code: args.code, message: args.message };
            },
          },
          calls,
        ),
      ).rejects.toBeInstanceOf(WorkflowFailedError);
      expect(calls.filter((name) => name === 'parseDocument')).toHaveLength(1);
      expect(failed).toEqual({ code: 'pdf_encrypted', message });
    });

    it('turns exhausted retries of an infrastructure failure into a generic, actionable message', async () => {
      const calls: string[] = [];
      let failed: { code: string; message: string } | undefined;
      await expect(
        runWith(
          {
            parseDocument: async () => {
              throw ApplicationFailure.retryable('connection reset by peer at 10.0.0.3:5432', 'Error');
            },
            failDocument: async (args) => {
              failed = { code: args.code, message: args.message };
            },
          },
          calls,
        ),
      ).rejects.toBeInstanceOf(WorkflowFailedError);
      expect(calls.filter((name) => name === 'parseDocument')).toHaveLength(3);
      expect(failed?.code).toBe('processing_failed');
      expect(failed?.message).not.toContain('10.0.0.3');
    }, 60_000);
  });
});

describe('embedChunks activity', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ database: 'pglite', redis: false });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('resumes from the heartbeat cursor after a retry and heartbeats its progress', async () => {
    const { admin } = await signUpAdmin(stack.url);
    const { client } = await createClientWithKey(admin);
    const text = Array.from({ length: 200 }, (_, index) => `Section ${index}. ${'The quick brown fox jumps over the lazy dog. '.repeat(30)}`).join('\n\n');
    const upload = await admin.upload(client.id, 'long.txt', text);
    const document = await waitForDocument(admin, upload.data.document.id);
    expect(document.chunkCount).toBeGreaterThan(8);
    const knex = stack.container.db.knex;
    // Forget the vectors of chunks 4.., as if a crash happened after the first batches were stored.
    await knex('chunks').where({ document_id: document.id }).andWhere('chunk_index', '>=', 4).update({ embedding: null });

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
    const heartbeats: unknown[] = [];
    const env = new MockActivityEnvironment({ heartbeatDetails: { cursor: 4 } });
    env.on('heartbeat', (details) => heartbeats.push(details));
    const result = await env.run(activities.embedChunks, { clientId: client.id, documentId: document.id, version: document.version, from: 0, to: 8 });
    expect((result as { embedded: number }).embedded).toBe(4);
    expect(embedded.flat()).toHaveLength(4);
    expect(heartbeats).toEqual([{ cursor: 6 }, { cursor: 8 }]);
    const missing = await knex('chunks').where({ document_id: document.id }).whereNull('embedding').andWhere('chunk_index', '<', 8).count<{ count: number }[]>({ count: '*' });
    expect(Number(missing[0].count)).toBe(0);
  });
});
