import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../temporal/dev-server';
import { createClientWithKey, signUpAdmin, waitForDocument } from '../factories';
import { TestClient } from '../http';

const root = path.resolve(import.meta.dirname, '..', '..');
const built = existsSync(path.join(root, 'build', 'server', 'index.js'));

/** `npm start` exactly as a user runs it, in its own process group, on free ports. */
function npmStart(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  let output = '';
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !/^(DATABASE_URL|REDIS_URL|QDRANT_URL|TEMPORAL_ADDRESS|VITEST.*)$/.test(key),
    ),
  );
  const child = spawn('npm', ['start'], {
    cwd: root,
    env: { ...clean, ...env, NODE_ENV: 'development' },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  return { child, output: () => output };
}

async function waitForHealth(
  url: string,
  timeoutMs: number,
  run?: { child: ChildProcess; output: () => string },
): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (run && (run.child.exitCode !== null || run.child.signalCode !== null))
      throw new Error(`npm start exited:\n${run.output()}`);
    try {
      const response = await fetch(`${url}/health`);
      if (response.status === 200 && (await response.json()).status === 'ok') return Date.now() - started;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`no healthy /health within ${timeoutMs} ms${run ? `:\n${run.output()}` : ''}`);
}

/**
 * SIGTERM to npm, as a user's process manager sends it. npm relays it and exits at once; our
 * process then shuts down (streams end, worker drains, dev server stops) within a few seconds.
 */
async function stop(child: ChildProcess, marker: string) {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  const deadline = Date.now() + 30_000;
  while (leftovers(marker).length > 0 && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 250));
}

/** The pids `npm start` reports in its banner: `Processes      api (pid 1), worker (pid 2), supervisor (pid 3)`. */
function reportedPids(output: string): { api: number; worker: number; supervisor: number } {
  const match = output.match(/api \(pid (\d+)\), worker \(pid (\d+)\), supervisor \(pid (\d+)\)/);
  if (!match) throw new Error(`no Processes line in:\n${output}`);
  return { api: Number(match[1]), worker: Number(match[2]), supervisor: Number(match[3]) };
}

/** Live processes whose parent is `parent` and whose command line mentions `entry`. */
function childrenRunning(parent: number, entry: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return ppid === parent && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(entry) ? [Number(pid)] : [];
      } catch {
        return [];
      }
    });
}

const alive = (pid: number) =>
  existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Processes whose command line mentions our data directory (the dev server) or port. */
function leftovers(marker: string): string[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((pid) => {
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
        return cmdline.includes(marker) ? [`${pid}: ${cmdline}`] : [];
      } catch {
        return [];
      }
    });
}

describe.skipIf(!built)('npm start, as a user runs it', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'npm-start-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('comes up healthy with dashboard, widget health and Temporal Web, stops cleanly on SIGTERM, and keeps its data', async () => {
    const ports = {
      PORT: String(await freePort()),
      TEMPORAL_DEV_PORT: String(await freePort()),
      TEMPORAL_UI_PORT: String(await freePort()),
      METRICS_PORT: String(await freePort()),
    };
    const env = { ...ports, DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
    const url = `http://localhost:${ports.PORT}`;

    const first = npmStart(env);
    const tookMs = await waitForHealth(url, 120_000, first);
    expect(tookMs).toBeLessThan(120_000);
    expect(first.output()).toContain(`Dashboard      http://localhost:${ports.PORT}/`);
    expect(first.output()).toContain(`Temporal Web   http://localhost:${ports.TEMPORAL_UI_PORT}`);
    expect((await fetch(`${url}/`)).status).toBe(200);
    expect((await fetch(`${url}/api/widget/health`)).status).toBe(200);
    expect((await fetch(`http://localhost:${ports.TEMPORAL_UI_PORT}/`)).status).toBe(200);
    expect(first.output()).toContain(`Metrics        http://127.0.0.1:${ports.METRICS_PORT}/metrics`);
    expect((await fetch(`${url}/metrics`)).status).toBe(404);
    expect(await (await fetch(`http://127.0.0.1:${ports.METRICS_PORT}/metrics`)).text()).toContain(
      '# TYPE chat_requests_total counter',
    );
    expect(first.output()).toContain('(embedded PostgreSQL 18 + pgvector)');

    // The API and the worker are separate child processes of one supervisor, both alive.
    const pids = reportedPids(first.output());
    expect(new Set([pids.api, pids.worker, pids.supervisor]).size).toBe(3);
    expect([pids.api, pids.worker, pids.supervisor].every(alive)).toBe(true);
    expect(childrenRunning(pids.supervisor, 'api/server.ts')).toEqual([pids.api]);
    expect(childrenRunning(pids.supervisor, 'temporal/worker-main.ts')).toEqual([pids.worker]);
    // The database is a real PostgreSQL server process with its data under DATA_DIR.
    expect(leftovers(path.join(dataDir, 'postgres', 'data')).length).toBeGreaterThan(0);

    // A crashed worker is restarted by the supervisor, and the new one does the work.
    process.kill(pids.worker, 'SIGKILL');
    const newWorker = await waitFor('a restarted worker', () =>
      childrenRunning(pids.supervisor, 'temporal/worker-main.ts').find((pid) => pid !== pids.worker),
    );
    expect(alive(pids.api)).toBe(true);
    expect(first.output()).toMatch(/worker exited; restarting/);

    const { admin, email } = await signUpAdmin(url);
    const { client, apiKey } = await createClientWithKey(admin);
    const ask = async () => {
      const response = await fetch(`${url}/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
        body: JSON.stringify({ message: 'Does data under DATA_DIR survive a restart?' }),
      });
      expect(response.status).toBe(200);
      return (await response.json()).sources as Array<{ filename: string }>;
    };
    // Asked before the document exists: no sources, and the API caches that retrieval result.
    expect(await ask()).toEqual([]);
    const upload = await admin.upload(client.id, 'kept.txt', 'Data under DATA_DIR survives a restart.');
    expect((await waitForDocument(admin, upload.data.document.id)).status).toBe('ready');
    // The worker (another process) bumped the client's query-cache generation: the API sees it at once.
    expect((await ask()).map((source) => source.filename)).toContain('kept.txt');
    expect(first.output()).toMatch(/^\[api\s*\] /m);
    expect(first.output()).toMatch(/^\[worker\] /m);

    // One SIGTERM stops everything: supervisor, both children, PostgreSQL and the dev server.
    await stop(first.child, dataDir);
    expect(leftovers(dataDir)).toEqual([]);
    await waitFor(
      'every process to exit',
      () => ([pids.supervisor, pids.api, newWorker].some(alive) ? undefined : true),
      30_000,
    );

    const second = npmStart(env);
    try {
      await waitForHealth(url, 120_000, second);
      const again = new TestClient(url);
      expect((await again.post('/api/auth/login', { email, password: 'correct horse battery' })).status).toBe(200);
      const document = (await again.get(`/api/dashboard/documents/${upload.data.document.id}`)).data.document;
      expect(document).toMatchObject({ status: 'ready', filename: 'kept.txt' });
      expect(document.vectorCount).toBe(document.chunkCount);

      // A crash: the supervisor is SIGKILLed. Its children follow it; PostgreSQL and the dev server are left behind.
      const crashed = reportedPids(second.output());
      process.kill(crashed.supervisor, 'SIGKILL');
      await waitFor('the children to follow the supervisor', () =>
        [crashed.api, crashed.worker].some(alive) ? undefined : true,
      );
    } finally {
      second.child.kill('SIGKILL');
    }

    // The next start cleans up after the crash (stale postmaster, orphaned dev server) and has the data.
    const third = npmStart(env);
    try {
      await waitForHealth(url, 120_000, third);
      const again = new TestClient(url);
      expect((await again.post('/api/auth/login', { email, password: 'correct horse battery' })).status).toBe(200);
      expect((await again.get(`/api/dashboard/documents/${upload.data.document.id}`)).data.document).toMatchObject({
        status: 'ready',
        filename: 'kept.txt',
      });
    } finally {
      await stop(third.child, dataDir);
    }
    expect(leftovers(dataDir)).toEqual([]);
  }, 400_000);
});
