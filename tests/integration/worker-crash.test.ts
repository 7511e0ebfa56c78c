import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../setup/stack';
import { createClientWithKey, signUpAdmin, waitForDocument } from '../factories';
import { startFakeEmbeddings } from '../fakes/openai-embeddings-server';

const root = path.resolve(import.meta.dirname, '..', '..');

/** `npm run worker` as its own process, with the stack's database, vector store and task queue. */
function startWorkerProcess(stack: TestStack, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', path.join(root, 'temporal', 'worker-main.ts')], {
    cwd: root,
    env: {
      ...process.env,
      ...env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'error',
      DATA_DIR: stack.config.dataDir,
      DATABASE_URL: stack.config.DATABASE_URL!,
      QDRANT_URL: stack.config.QDRANT_URL!,
      REDIS_URL: stack.config.REDIS_URL ?? '',
      TEMPORAL_ADDRESS: stack.temporalAddress,
      TEMPORAL_TASK_QUEUE: stack.config.TEMPORAL_TASK_QUEUE,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

describe('a worker killed in the middle of embedding', () => {
  let stack: TestStack;
  let fake: Awaited<ReturnType<typeof startFakeEmbeddings>>;
  const workers: ChildProcess[] = [];
  let embedderEnv: Record<string, string>;

  beforeAll(async () => {
    fake = await startFakeEmbeddings({ delayMs: 150 });
    embedderEnv = {
      EMBEDDING_PROVIDER: 'openai',
      EMBEDDING_BASE_URL: fake.baseURL,
      OPENAI_API_KEY: 'sk-test',
      EMBEDDING_MODEL: 'text-embedding-3-small',
      EMBEDDING_DIMENSIONS: '64',
      EMBEDDING_BATCH_SIZE: '8',
    };
    // The API runs here without a worker; workers are separate processes we can kill.
    stack = await startTestStack({ database: 'postgres', worker: false, env: embedderEnv });
  });
  afterAll(async () => {
    for (const worker of workers) worker.kill('SIGKILL');
    await stack?.close();
    await fake?.close();
  });

  it('resumes on a new worker and ends ready with exactly one vector per chunk', async () => {
    const { admin } = await signUpAdmin(stack.url);
    const { client } = await createClientWithKey(admin);
    const text = Array.from(
      { length: 400 },
      (_, index) => `Chapter ${index}. ${`Ship ${index} sails north along the fjord at dawn. `.repeat(40)}`,
    ).join('\n\n');
    const upload = await admin.upload(client.id, 'saga.txt', text);
    expect(upload.status).toBe(202);
    const documentId = upload.data.document.id;

    workers.push(startWorkerProcess(stack, embedderEnv));
    // Wait until embedding is under way, with some but not all chunks done.
    const deadline = Date.now() + 60_000;
    let progress;
    for (;;) {
      progress = (await admin.get(`/api/dashboard/documents/${documentId}`)).data.document.progress;
      if (progress.stage === 'embedding' && progress.chunksDone > 0) break;
      if (Date.now() > deadline) throw new Error(`embedding never started: ${JSON.stringify(progress)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(progress.chunksDone).toBeLessThan(progress.chunksTotal);
    workers[0].kill('SIGKILL');
    await new Promise((resolve) => workers[0].once('exit', resolve));
    const requestsBeforeRestart = fake.state.requests;

    workers.push(startWorkerProcess(stack, embedderEnv));
    const document = await waitForDocument(admin, documentId, 150_000);
    expect(document.status).toBe('ready');
    expect(document.vectorCount).toBe(document.chunkCount);
    const rows = await stack.container.db
      .knex('chunks')
      .where({ document_id: documentId })
      .count<{ count: number }[]>({ count: '*' });
    expect(Number(rows[0].count)).toBe(document.chunkCount);
    // The new worker resumed: it did not embed every chunk again.
    const batches = Math.ceil(document.chunkCount / 8);
    expect(fake.state.requests - requestsBeforeRestart).toBeLessThan(batches);
  }, 240_000);
});
