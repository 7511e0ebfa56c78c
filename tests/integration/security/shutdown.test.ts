import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { freePort } from '../../../temporal/dev-server';
import { withDatabase } from '../../setup/global-setup';
import { startTcpProxy } from '../../fakes/tcp-proxy';

const root = path.resolve(import.meta.dirname, '..', '..', '..');
const adminUrl = () => inject('databaseAdminUrl');

// `npm run api` as a process manager runs it, with its database behind a proxy that the test
// freezes: connections stay open and silent, new ones are accepted and never answered.
describe('SIGTERM while the database is locked up', () => {
  let database: string;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let child: ChildProcess | undefined;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'shutdown-'));

  beforeAll(async () => {
    database = `${inject('templateDatabase').replace('cc_template_', 'cc_test_')}_${randomUUID().slice(0, 8)}`;
    const admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    await admin.query(`create database ${database} template ${inject('templateDatabase')}`);
    await admin.end();
    const target = new URL(adminUrl());
    proxy = await startTcpProxy({ targetHost: target.hostname, targetPort: Number(target.port || 5432) });
  });
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await proxy?.close();
    const admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    await admin.query(`drop database if exists ${database} with (force)`);
    await admin.end();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('exits within 15 s', async () => {
    const port = await freePort();
    const databaseUrl = new URL(withDatabase(adminUrl(), database));
    databaseUrl.hostname = '127.0.0.1';
    databaseUrl.port = String(proxy.port);
    const clean = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !/^(DATABASE_URL|REDIS_URL|QDRANT_URL|VITEST.*)$/.test(key)),
    );
    child = spawn(process.execPath, ['--import', 'tsx', 'api/server.ts'], {
      cwd: root,
      env: {
        ...clean,
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        HOST: '127.0.0.1',
        PORT: String(port),
        METRICS_PORT: '0',
        DATA_DIR: dataDir,
        DATABASE_URL: databaseUrl.toString(),
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        TEMPORAL_TASK_QUEUE: `test-${randomUUID()}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 120_000;
    for (;;) {
      const ok = await fetch(`${url}/api/widget/health`).then(
        (response) => response.ok,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the API did not come up:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }

    proxy.freeze();
    // Requests now wait on the database: a login, and a dashboard call with a session cookie.
    const stuck = [
      fetch(`${url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'a@example.com', password: 'whatever pw' }),
      }).catch(() => undefined),
      fetch(`${url}/api/dashboard/clients`, { headers: { cookie: 'cc_session=some-session-token' } }).catch(
        () => undefined,
      ),
    ];
    await new Promise((resolve) => setTimeout(resolve, 1000));

    const signalled = Date.now();
    child.kill('SIGTERM');
    const code = await Promise.race([
      exited,
      new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 30_000)),
    ]);
    const tookMs = Date.now() - signalled;
    expect(code, output).not.toBe('still running');
    // SHUTDOWN_TIMEOUT_MS (14 s) bounds it inside the process; the rest is slack for a loaded machine.
    expect(tookMs, output).toBeLessThanOrEqual(20_000);
    await Promise.all(stuck);
  }, 240_000);
});
