import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface ProcessUsage {
  rss: number;
  heapUsed: number;
  external: number;
  /** User + system CPU time since the process started. */
  cpuMicros: number;
  temporalWarnings: number;
}

export type ChildRequest = { type: 'usage'; id: number; gc: boolean } | { type: 'stop' };
export type ChildReply =
  | { type: 'ready'; url: string }
  | { type: 'failed'; message: string }
  | { type: 'usage'; id: number; usage: ProcessUsage };

export interface ChildServer {
  url: string;
  pid: number;
  usage(options?: { gc?: boolean }): Promise<ProcessUsage>;
  stop(): Promise<void>;
}

const CHILD_ENTRY = path.join(import.meta.dirname, 'server-child.ts');

/** Starts a benchmark target in its own Node process (tsx, --expose-gc) and waits until it serves. */
export async function startChildServer(
  kind: 'stack' | 'bare-sse',
  stackEnv: Record<string, string> = {},
  startTimeoutMs = 180_000,
): Promise<ChildServer> {
  const child: ChildProcess = fork(CHILD_ENTRY, [], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    env: { ...process.env, BENCH_CHILD_KIND: kind, BENCH_STACK_ENV: JSON.stringify(stackEnv) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // Its own process group, so a child that will not stop goes down with its Temporal CLI.
    detached: true,
  });
  const killGroup = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  };
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pending = new Map<number, (usage: ProcessUsage) => void>();
  let nextId = 1;

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      killGroup();
      reject(new Error(`${kind} server did not start within ${startTimeoutMs / 1000} s`));
    }, startTimeoutMs);
    child.on('message', (reply: ChildReply) => {
      if (reply.type === 'ready') {
        clearTimeout(timer);
        resolve(reply.url);
      } else if (reply.type === 'failed') {
        clearTimeout(timer);
        reject(new Error(`${kind} server failed to start:\n${reply.message}`));
      } else if (reply.type === 'usage') {
        pending.get(reply.id)?.(reply.usage);
        pending.delete(reply.id);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${kind} server exited with code ${code} before it was ready`));
    });
  });

  return {
    url,
    pid: child.pid!,
    usage: ({ gc = false } = {}) =>
      new Promise<ProcessUsage>((resolve, reject) => {
        const id = nextId++;
        const timer = setTimeout(() => reject(new Error(`${kind} server did not report its usage`)), 30_000);
        pending.set(id, (usage) => {
          clearTimeout(timer);
          resolve(usage);
        });
        child.send({ type: 'usage', id, gc } satisfies ChildRequest);
      }),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.send({ type: 'stop' } satisfies ChildRequest);
      const killTimer = setTimeout(killGroup, 120_000);
      await exited;
      clearTimeout(killTimer);
    },
  };
}
