/**
 * A child process that serves one benchmark target so its memory and CPU are its own, and the
 * load generator does not share its event loop: `stack` is the embedded product (API + worker +
 * Temporal dev server, env overrides in BENCH_STACK_ENV as JSON), `bare-sse` the floor.
 * Talks to the parent over IPC; see child-server.ts.
 */
import type { ChildReply, ChildRequest } from './child-server';

async function main(): Promise<void> {
  const kind = process.env.BENCH_CHILD_KIND;
  let url: string;
  let stop: () => Promise<void>;
  let temporalWarnings = () => 0;
  if (kind === 'stack') {
    const { installTemporalLogTally } = await import('./temporal-log');
    const tally = installTemporalLogTally();
    temporalWarnings = () => tally.total;
    const { startEmbeddedStack } = await import('./embedded-stack');
    const embedded = await startEmbeddedStack({
      env: JSON.parse(process.env.BENCH_STACK_ENV ?? '{}') as Record<string, string>,
    });
    url = embedded.url;
    stop = () => embedded.close();
  } else if (kind === 'bare-sse') {
    const { startBareSseServer } = await import('./bare-sse-server');
    const bare = await startBareSseServer();
    url = bare.url;
    stop = () => bare.close();
  } else {
    throw new Error(`BENCH_CHILD_KIND must be stack or bare-sse, got ${kind}`);
  }

  const send = (reply: ChildReply) => process.send?.(reply);
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await stop().catch((error) => console.error('child stop failed:', error));
    process.exit(0);
  };
  process.on('message', (message: ChildRequest) => {
    if (message.type === 'usage') {
      // A collection first, so heap figures are live objects, not garbage not yet swept.
      if (message.gc) (globalThis as { gc?: () => void }).gc?.();
      const memory = process.memoryUsage();
      const cpu = process.cpuUsage();
      send({
        type: 'usage',
        id: message.id,
        usage: {
          rss: memory.rss,
          heapUsed: memory.heapUsed,
          external: memory.external,
          cpuMicros: cpu.user + cpu.system,
          temporalWarnings: temporalWarnings(),
        },
      });
    } else if (message.type === 'stop') {
      void shutdown();
    }
  });
  // The parent died or let go: never outlive it.
  process.on('disconnect', () => void shutdown());
  send({ type: 'ready', url });
}

main().catch((error) => {
  process.send?.({ type: 'failed', message: (error as Error).stack ?? String(error) } satisfies ChildReply);
  process.exit(1);
});
