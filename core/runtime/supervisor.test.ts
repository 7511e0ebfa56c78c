import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger';
import { superviseChildren } from './supervisor';

const logger = createLogger({ level: 'silent' });
const node = (script: string) => ({ command: process.execPath, args: ['-e', script], env: process.env });

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('superviseChildren', () => {
  it("prefixes each child's lines with its name and restarts a child that exits", async () => {
    const lines: string[] = [];
    const supervisor = superviseChildren({
      logger,
      write: (line) => lines.push(line),
      children: [
        { name: 'crashy', ...node(`console.log('up ' + process.pid); process.exit(3)`) },
        { name: 'steady', ...node(`console.log('steady'); setInterval(() => {}, 1000)`) },
      ],
    });
    await until(() => lines.filter((line) => line.startsWith('[crashy] up ')).length >= 2);
    const pids = new Set(
      lines.filter((line) => line.startsWith('[crashy] up ')).map((line) => line.trim().split(' ').pop()),
    );
    expect(pids.size).toBeGreaterThanOrEqual(2);
    expect(lines).toContain('[steady] steady\n');
    const steadyPid = supervisor.pids().steady!;
    await supervisor.stop(5000);
    expect(() => process.kill(steadyPid, 0)).toThrow();
    // Stopped: no restart after stop.
    const count = lines.length;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(lines.length).toBe(count);
  });

  it('kills a child that ignores SIGTERM once the grace time is over', async () => {
    const lines: string[] = [];
    const supervisor = superviseChildren({
      logger,
      write: (line) => lines.push(line),
      children: [
        {
          name: 'stubborn',
          ...node(
            `process.on('SIGTERM', () => console.log('ignored')); console.log('ready'); setInterval(() => {}, 1000)`,
          ),
        },
      ],
    });
    await until(() => lines.includes('[stubborn] ready\n'));
    const pid = supervisor.pids().stubborn!;
    await supervisor.stop(300);
    expect(() => process.kill(pid, 0)).toThrow();
  });
});
