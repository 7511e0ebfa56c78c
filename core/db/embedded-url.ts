import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The connection string of the embedded PostgreSQL that `npm start` runs under `dataDir`
 * (core/db/embedded-postgres.ts), for operator commands run beside it; null when it is not running.
 * Reads the generated password (`DATA_DIR/postgres/password`) and the port from PostgreSQL's own
 * lock file (`postmaster.pid`, line 4 — PostgreSQL's documented layout, `pidfile.h`).
 */
export function runningEmbeddedPostgresUrl(dataDir: string, database = 'chatconnect'): string | null {
  const directory = path.join(dataDir, 'postgres');
  const pidFile = path.join(directory, 'data', 'postmaster.pid');
  const passwordFile = path.join(directory, 'password');
  if (!existsSync(pidFile) || !existsSync(passwordFile)) return null;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(port) || port <= 0) return null;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return null;
  }
  const password = readFileSync(passwordFile, 'utf8').trim();
  return `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}
