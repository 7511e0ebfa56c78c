import { spawn, type ChildProcess } from 'node:child_process';
import readline from 'node:readline';
import type { Logger } from '../logger';

/** One supervised child: a command line, its environment, and the name its log lines carry. */
export interface ChildSpec {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface Supervisor {
  /** Pids of the children running now, by name (undefined while one waits to restart). */
  pids(): Record<string, number | undefined>;
  /** SIGTERM to every child, SIGKILL to those still running after `graceMs`; resolves when all have exited. */
  stop(graceMs: number): Promise<void>;
}

/**
 * Runs each child, prefixes every line it prints with `[name]`, and restarts a child that exits
 * while the supervisor is not stopping, after an exponential backoff: 0.5 s doubling to 30 s,
 * back to 0.5 s once a child has stayed up for 60 s (the shape of systemd's and Kubernetes'
 * crash-loop backoff). Children run in their own process group so a terminal's Ctrl-C reaches
 * only the supervisor, which then stops them in order.
 */
export function superviseChildren({
  children,
  logger,
  write = (line) => process.stdout.write(line),
}: {
  children: ChildSpec[];
  logger: Logger;
  write?: (line: string) => void;
}): Supervisor {
  const running = new Map<string, ChildProcess>();
  const timers = new Set<NodeJS.Timeout>();
  let stopping = false;
  const width = Math.max(...children.map((child) => child.name.length));

  const launch = (spec: ChildSpec, failures: number) => {
    const startedAt = Date.now();
    const child = spawn(spec.command, spec.args, {
      env: spec.env,
      cwd: spec.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    running.set(spec.name, child);
    const prefix = `[${spec.name.padEnd(width)}] `;
    for (const stream of [child.stdout!, child.stderr!]) {
      // JSON log lines pass through untouched (they name their process), so a log shipper can parse
      // them; anything else (pretty lines, banners, stack traces) gets the child's name in front.
      readline
        .createInterface({ input: stream, crlfDelay: Infinity })
        .on('line', (line) => write(line.startsWith('{') ? `${line}\n` : `${prefix}${line}\n`));
    }
    child.once('exit', (code, signal) => {
      running.delete(spec.name);
      if (stopping) return;
      const stable = Date.now() - startedAt > 60_000;
      const attempt = stable ? 0 : failures + 1;
      const delayMs = Math.min(30_000, 500 * 2 ** Math.max(0, attempt - 1));
      logger.error({ child: spec.name, code, signal, restartInMs: delayMs }, `${spec.name} exited; restarting`);
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!stopping) launch(spec, attempt);
      }, delayMs);
      timers.add(timer);
    });
  };
  for (const spec of children) launch(spec, 0);

  return {
    pids: () => Object.fromEntries(children.map((spec) => [spec.name, running.get(spec.name)?.pid])),
    async stop(graceMs) {
      stopping = true;
      for (const timer of timers) clearTimeout(timer);
      const exits = [...running.values()].map((child) => {
        const exited = new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) resolve();
          else child.once('exit', () => resolve());
        });
        child.kill('SIGTERM');
        const kill = setTimeout(() => {
          // The whole group: a child's own children (esbuild, parse threads are threads) go too.
          try {
            process.kill(-child.pid!, 'SIGKILL');
          } catch {
            child.kill('SIGKILL');
          }
        }, graceMs);
        return exited.finally(() => clearTimeout(kill));
      });
      await Promise.all(exits);
    },
  };
}
