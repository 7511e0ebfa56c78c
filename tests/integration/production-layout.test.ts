import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../temporal/dev-server';
import { createClientWithKey, signUpAdmin, waitForDocument } from '../factories';
import { startFakeEmbeddings } from '../fakes/openai-embeddings-server';
import { TestClient } from '../http';
import { TEST_REDIS_URL, withDatabase } from '../setup/global-setup';

const root = path.resolve(import.meta.dirname, '..', '..');

interface Proc {
  name: string;
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * The production layout as operators run it: two `npm run api` processes and `npm run worker`
 * processes (the same entry points, run directly), one PostgreSQL 18 + pgvector (a fresh database
 * on the run's server, so the three also race to migrate it), the machine's Redis and the run's
 * Temporal dev server. Nothing is shared in memory: only through PostgreSQL, Redis and Temporal.
 */
describe('production layout: two API processes and a worker', () => {
  const database = `cc_layout_${process.pid}_${Date.now()}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'chatconnect-layout-'));
  const processes: Proc[] = [];
  let env: NodeJS.ProcessEnv;
  let fake: Awaited<ReturnType<typeof startFakeEmbeddings>>;
  let urlA: string;
  let urlB: string;

  function start(name: string, entry: string, extra: Record<string, string> = {}): Proc {
    let output = '';
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, entry)], {
      cwd: root,
      env: { ...env, ...extra },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const proc = { name, child, output: () => output, exited };
    processes.push(proc);
    return proc;
  }

  async function waitForHealth(url: string, proc: Proc, timeoutMs = 150_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (proc.child.exitCode !== null)
        throw new Error(`${proc.name} exited (${proc.child.exitCode}):\n${proc.output()}`);
      const health = await fetch(`${url}/health`).then(
        (response) => response.json(),
        () => null,
      );
      if (health?.status === 'ok') return;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    throw new Error(`${url} not healthy within ${timeoutMs / 1000}s:\n${proc.output()}`);
  }

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: inject('databaseAdminUrl') });
    await admin.connect();
    await admin.query(`create database ${database}`);
    await admin.end();
    fake = await startFakeEmbeddings({ delayMs: 150 });
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      SESSION_SECRET: randomBytes(32).toString('hex'),
      SECURE_COOKIES: 'false',
      DATABASE_URL: withDatabase(inject('databaseAdminUrl'), database),
      REDIS_URL: TEST_REDIS_URL,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `layout-${randomUUID()}`,
      // Long enough that only the invalidation bus can explain a revoked key failing at once.
      API_KEY_CACHE_TTL_SECONDS: '60',
      SHUTDOWN_GRACE_MS: '2000',
      EMBEDDING_PROVIDER: 'openai',
      EMBEDDING_BASE_URL: fake.baseURL,
      OPENAI_API_KEY: 'sk-test',
      LLM_PROVIDER: 'local',
      EMBEDDING_MODEL: 'text-embedding-3-small',
      EMBEDDING_DIMENSIONS: '64',
      EMBEDDING_BATCH_SIZE: '8',
    };
    const [portA, portB] = [await freePort(), await freePort()];
    urlA = `http://127.0.0.1:${portA}`;
    urlB = `http://127.0.0.1:${portB}`;
    // All three at once, on a database nobody has migrated yet.
    const apiA = start('api-a', 'api/server.ts', { PORT: String(portA), PUBLIC_URL: urlA });
    const apiB = start('api-b', 'api/server.ts', { PORT: String(portB), PUBLIC_URL: urlB });
    start('worker-1', 'temporal/worker-main.ts');
    await Promise.all([waitForHealth(urlA, apiA), waitForHealth(urlB, apiB)]);
  }, 300_000);

  afterAll(async () => {
    for (const proc of processes)
      if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGKILL');
    await fake?.close();
    const admin = new pg.Client({ connectionString: inject('databaseAdminUrl') });
    await admin.connect();
    await admin.query(`drop database if exists ${database} with (force)`);
    await admin.end();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const chat = (url: string, apiKey: string) =>
    fetch(`${url}/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify({ message: 'What are the opening hours?', sessionId: randomUUID() }),
    });

  it('keeps a dashboard session made on one API valid on the other', async () => {
    const { admin } = await signUpAdmin(urlA);
    const { client } = await createClientWithKey(admin);
    const onB = new TestClient(urlB);
    (onB as unknown as { cookies: Map<string, string> }).cookies = (
      admin as unknown as { cookies: Map<string, string> }
    ).cookies;
    const response = await onB.get(`/api/dashboard/clients/${client.id}`);
    expect(response.status).toBe(200);
    expect(response.data.client.id).toBe(client.id);
    expect((await new TestClient(urlB).get(`/api/dashboard/clients/${client.id}`)).status).toBe(401);
  });

  it("shares the free tier's 100 chats a minute across both APIs: the 101st gets 429", async () => {
    const { admin } = await signUpAdmin(urlA);
    const { apiKey } = await createClientWithKey(admin, { tier: 'free' });
    const statuses: number[] = [];
    // 100 chats, half on each API, 10 at a time.
    for (let batch = 0; batch < 10; batch++) {
      const responses = await Promise.all(
        Array.from({ length: 10 }, (_, index) => chat(index % 2 === 0 ? urlA : urlB, apiKey)),
      );
      for (const response of responses) {
        statuses.push(response.status);
        await response.text();
      }
    }
    expect(statuses.filter((status) => status === 200)).toHaveLength(100);
    const extraOnA = await chat(urlA, apiKey);
    const extraOnB = await chat(urlB, apiKey);
    expect(extraOnA.status).toBe(429);
    expect(extraOnB.status).toBe(429);
    expect((await extraOnB.json()).error.code).toBeTruthy();
  });

  it('stops a key revoked on one API at once on the other', async () => {
    const { admin } = await signUpAdmin(urlA);
    const { client, apiKey } = await createClientWithKey(admin);
    // B caches the key (for API_KEY_CACHE_TTL_SECONDS = 60 s).
    const before = await chat(urlB, apiKey);
    expect(before.status).toBe(200);
    await before.text();
    const keys = (await admin.get(`/api/dashboard/clients/${client.id}/api-keys`)).data.apiKeys as Array<{
      id: string;
    }>;
    for (const key of keys)
      expect((await admin.delete(`/api/dashboard/clients/${client.id}/api-keys/${key.id}`)).status).toBe(204);
    // The bus delivers within milliseconds; poll (well under the tier's 100 a minute) rather than assume a time.
    let status = 200;
    for (let attempt = 0; attempt < 40 && status === 200; attempt++) {
      const response = await chat(urlB, apiKey);
      status = response.status;
      await response.text();
      if (status === 200) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(status).toBe(401);
  });

  it('replaces a worker SIGKILLed mid-embedding: the document ends with one vector per chunk', async () => {
    const { admin } = await signUpAdmin(urlA);
    const { client } = await createClientWithKey(admin);
    const onB = new TestClient(urlB);
    (onB as unknown as { cookies: Map<string, string> }).cookies = (
      admin as unknown as { cookies: Map<string, string> }
    ).cookies;
    const text = Array.from(
      { length: 300 },
      (_, index) => `Chapter ${index}. ${`The ferry ${index} crosses the fjord at dawn. `.repeat(40)}`,
    ).join('\n\n');
    const upload = await admin.upload(client.id, 'saga.txt', text);
    expect(upload.status).toBe(202);
    const documentId = upload.data.document.id;

    // Watched through the other API: embedding under way, some but not all chunks done.
    const deadline = Date.now() + 120_000;
    let progress;
    for (;;) {
      progress = (await onB.get(`/api/dashboard/documents/${documentId}`)).data.document.progress;
      if (progress?.stage === 'embedding' && progress.chunksDone > 0) break;
      if (Date.now() > deadline) throw new Error(`embedding never started: ${JSON.stringify(progress)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(progress.chunksDone).toBeLessThan(progress.chunksTotal);
    const first = processes.find((proc) => proc.name === 'worker-1')!;
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');

    start('worker-2', 'temporal/worker-main.ts');
    const document = await waitForDocument(onB, documentId, 200_000);
    expect(document.status).toBe('ready');
    expect(document.chunkCount).toBeGreaterThan(0);
    expect(document.vectorCount).toBe(document.chunkCount);
  }, 300_000);

  it('stops every process on SIGTERM', async () => {
    const running = processes.filter((proc) => proc.child.exitCode === null && proc.child.signalCode === null);
    expect(running.map((proc) => proc.name).sort()).toEqual(['api-a', 'api-b', 'worker-2']);
    for (const proc of running) proc.child.kill('SIGTERM');
    const results = await Promise.all(running.map((proc) => proc.exited));
    expect(results).toEqual(running.map(() => ({ code: 0, signal: null })));
  }, 120_000);
});
