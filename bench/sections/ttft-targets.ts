import { availableParallelism, loadavg } from 'node:os';
import { formatTable, type Cell } from '../lib/table';
import type { HeldRow, TtftRow } from './ttft';

/** Issue #10's chat-path targets on a 2-core machine, zero-latency LLM (the fake OpenAI). */
export const CHAT_TARGETS = {
  chatsPerSecondAt50: 150,
  cpuMsPerChat: 5,
  serverTtftP50MsAt1: 15,
  kbPerHeldStream: 30,
} as const;

/**
 * The chat path's figures against issue #10's targets, beside the bare SSE handler from the same
 * run, with the machine's load average (1 min) before and after: on a shared machine they say how
 * much the numbers can be trusted.
 */
export function targetLines({
  ttftRows,
  heldRows,
  product,
  bare,
  loadBefore,
}: {
  ttftRows: TtftRow[];
  heldRows: HeldRow[];
  product: string;
  bare: string;
  loadBefore: number[];
}): string[] {
  const row = (target: string, concurrency: number) =>
    ttftRows.find((candidate) => candidate.target === target && candidate.concurrency === concurrency);
  const perStream = (target: string) => {
    const largest = heldRows.filter((candidate) => candidate.target === target).at(-1);
    return largest ? Math.max(largest.rssKbPerStream, largest.heapKbPerStream) : Number.NaN;
  };
  const [p1, p50, b1, b50] = [row(product, 1), row(product, 50), row(bare, 1), row(bare, 50)];
  const verdict = (value: number | undefined, target: number, atMost: boolean) =>
    value === undefined || Number.isNaN(value) ? '–' : (atMost ? value <= target : value >= target) ? 'met' : 'not met';
  const rows: Cell[][] = [
    [
      'chats/s, 50 clients',
      p50?.requestsPerSecond ?? null,
      `≥ ${CHAT_TARGETS.chatsPerSecondAt50}`,
      verdict(p50?.requestsPerSecond, CHAT_TARGETS.chatsPerSecondAt50, false),
      b50?.requestsPerSecond ?? null,
    ],
    [
      'server CPU ms per chat, 50 clients',
      p50?.serverCpuMsPerRequest ?? null,
      `≤ ${CHAT_TARGETS.cpuMsPerChat}`,
      verdict(p50?.serverCpuMsPerRequest, CHAT_TARGETS.cpuMsPerChat, true),
      b50?.serverCpuMsPerRequest ?? null,
    ],
    [
      'TTFT server p50 ms, 1 stream',
      p1?.serverP50Ms ?? null,
      `≤ ${CHAT_TARGETS.serverTtftP50MsAt1}`,
      verdict(p1?.serverP50Ms, CHAT_TARGETS.serverTtftP50MsAt1, true),
      '–',
    ],
    [
      'TTFT client p50 / p99 ms, 1 stream',
      p1 ? `${p1.client.p50.toFixed(1)} / ${p1.client.p99.toFixed(1)}` : '–',
      '',
      '',
      b1 ? `${b1.client.p50.toFixed(1)} / ${b1.client.p99.toFixed(1)}` : '–',
    ],
    [
      'TTFT client p50 / p99 ms, 50 streams',
      p50 ? `${p50.client.p50.toFixed(1)} / ${p50.client.p99.toFixed(1)}` : '–',
      '',
      '',
      b50 ? `${b50.client.p50.toFixed(1)} / ${b50.client.p99.toFixed(1)}` : '–',
    ],
    [
      'memory KB per held stream',
      perStream(product),
      `≤ ${CHAT_TARGETS.kbPerHeldStream}`,
      verdict(perStream(product), CHAT_TARGETS.kbPerHeldStream, true),
      perStream(bare),
    ],
  ];
  const loadAfter = loadavg();
  return [
    'Issue #10 targets (zero-latency fake OpenAI; memory = larger of RSS and heap+external per stream at the largest N):',
    formatTable(['figure', 'product', 'target', '', 'bare SSE (same run)'], rows),
    `Load average (1 min) ${loadBefore[0].toFixed(1)} before, ${loadAfter[0].toFixed(1)} after, on ${availableParallelism()} cores: above the core count, other work shares the CPU and these figures are pessimistic.`,
  ];
}
