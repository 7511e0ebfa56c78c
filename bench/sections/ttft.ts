import type http from 'node:http';
import path from 'node:path';
import { CORPUS_DIR, corpusAvailable } from '../../tests/corpus';
import { startFakeOpenAi, type FakeOpenAiServer } from '../../tests/fakes/openai-server';
import { startChildServer, type ChildServer, type ProcessUsage } from '../lib/child-server';
import { createSite, signUp, uploadDocument, waitForDocuments, type BenchSite } from '../lib/product-client';
import { histogramBuckets, subtractBuckets, type HistogramBucket } from '../lib/prometheus';
import { createBenchAgent, openSseStream, type OpenedStream } from '../lib/sse-client';
import { histogramQuantile, percentile, summarize, type LatencySummary } from '../lib/stats';
import { formatCell, formatTable, type Cell } from '../lib/table';
import { withTimeout } from '../lib/timeout';
import type { SectionResult } from '../lib/section';
import { loadSquad } from './retrieval';
import { freePort } from '../../temporal/dev-server';
import { loadavg } from 'node:os';
import { targetLines } from './ttft-targets';

/**
 * Time to first token as a visitor's browser sees it (request start → first `event: token`, on
 * loopback) at 1 and 50 concurrent streams, for the product with the local answerer and with a
 * zero-latency fake OpenAI, beside a bare node:http SSE handler measured the same way; then how
 * many streams one server process holds open. Each server runs in its own child process so its
 * memory and CPU are its own and the load generator never shares its event loop.
 */

const WARMUP_REQUESTS = 10;
const RUNS = [
  { concurrency: 1, requests: 100 },
  { concurrency: 50, requests: 200 },
] as const;
/** 0 measures the idle server, the floor for the CPU column. */
const HOLD_LEVELS = [0, 100, 500, 1000, 2000] as const;
const HOLD_RAMP_CONCURRENCY = 50;
const PROBES_WHILE_HELD = 10;
/** The budget that defines "sustained": new streams still start this fast while N are held. */
export const HELD_TTFT_BUDGET_MS = 250;
const TTFT_HISTOGRAM = 'chat_time_to_first_token_seconds';

const FALLBACK_DOCUMENTS = [
  {
    filename: 'shop-policies.txt',
    text: [
      'Returns. Orders can be returned within 45 days of delivery for a full refund to the original payment method.',
      'Shipping. Standard shipping to Norway takes 6 to 8 working days; express shipping costs 19 euros and takes 2 days.',
      'Store hours. The Oslo flagship store is open from 10:00 to 18:00 on weekdays, 10:00 to 16:00 on Saturdays, closed on Sundays.',
      'Warranty. Bicycles carry a three-year warranty on the frame and one year on components.',
    ].join('\n\n'),
  },
];
const FALLBACK_QUESTIONS = [
  'How long does shipping to Norway take?',
  'When is the Oslo store open on Saturdays?',
  'How long is the bicycle warranty?',
  'Can I return an order?',
];

interface Workload {
  documents: Array<{ filename: string; text: string }>;
  questions: string[];
}

function loadWorkload(): Workload {
  if (!corpusAvailable) return { documents: FALLBACK_DOCUMENTS, questions: FALLBACK_QUESTIONS };
  const { paragraphs, questions } = loadSquad(path.join(CORPUS_DIR, 'qa', 'squad2-dev-normans-rhine.json'));
  // One document per article, paragraphs kept apart, so the chunker and retrieval do real work.
  const byArticle = new Map<string, string[]>();
  for (const paragraph of paragraphs) {
    const article = paragraph.key.replace(/-\d+$/, '');
    byArticle.set(article, [...(byArticle.get(article) ?? []), paragraph.text]);
  }
  return {
    documents: [...byArticle].map(([article, texts]) => ({
      filename: `${article.toLowerCase()}.txt`,
      text: texts.join('\n\n'),
    })),
    questions: questions.map((question) => question.question),
  };
}

interface Target {
  name: string;
  server: ChildServer;
  url: string;
  headers: Record<string, string>;
  /** The n-th question this target is asked; never repeats, so no answer comes from the query cache. */
  question: () => string;
  serverSideMetrics: boolean;
}

export interface TtftRow {
  target: string;
  concurrency: number;
  requests: number;
  errors: number;
  client: LatencySummary;
  /** From the server's chat_time_to_first_token_seconds histogram, interpolated within buckets. */
  serverP50Ms: number;
  serverP99Ms: number;
  requestsPerSecond: number;
  serverCpuMsPerRequest: number;
  model?: string;
}

/** Prometheus is on the stack's operator port (METRICS_PORT), not on its public URL. */
let metricsUrl = '';

async function scrapeTtftBuckets(_server: ChildServer): Promise<HistogramBucket[]> {
  const response = await withTimeout(fetch(metricsUrl), 30_000, 'GET /metrics');
  return histogramBuckets(await response.text(), TTFT_HISTOGRAM);
}

function questionSource(questions: string[]): () => string {
  let next = 0;
  return () => {
    const index = next++;
    const question = questions[index % questions.length];
    return index < questions.length ? question : `${question} (${Math.floor(index / questions.length)})`;
  };
}

async function streamOnce(
  target: Target,
  agent: http.Agent,
): Promise<{ ttftMs: number | null; status: number; model?: string; error?: string }> {
  const opened = await openSseStream(target.url, {
    body: { message: target.question() },
    headers: target.headers,
    agent,
  });
  const finished = await opened.finished;
  let model: string | undefined;
  if (finished.doneData) model = (JSON.parse(finished.doneData) as { usage?: { model?: string } }).usage?.model;
  const error =
    opened.status !== 200
      ? `HTTP ${opened.status}`
      : opened.ttftMs === null
        ? (finished.error ?? finished.errorData ?? 'no token event')
        : undefined;
  return { ttftMs: opened.ttftMs, status: opened.status, model, error };
}

async function runLoad(target: Target, concurrency: number, requests: number): Promise<TtftRow> {
  const agent = createBenchAgent();
  try {
    const before = target.serverSideMetrics ? await scrapeTtftBuckets(target.server) : [];
    const usageBefore = await target.server.usage();
    const samples: number[] = [];
    const errors: string[] = [];
    let model: string | undefined;
    let issued = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (issued < requests) {
          issued += 1;
          const result = await streamOnce(target, agent);
          if (result.ttftMs !== null) samples.push(result.ttftMs);
          if (result.error) errors.push(result.error);
          model ??= result.model;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const usageAfter = await target.server.usage();
    let serverP50Ms = Number.NaN;
    let serverP99Ms = Number.NaN;
    if (target.serverSideMetrics) {
      const added = subtractBuckets(await scrapeTtftBuckets(target.server), before);
      serverP50Ms = histogramQuantile(0.5, added) * 1000;
      serverP99Ms = histogramQuantile(0.99, added) * 1000;
    }
    return {
      target: target.name,
      concurrency,
      requests,
      errors: errors.length,
      client: summarize(samples),
      serverP50Ms,
      serverP99Ms,
      requestsPerSecond: requests / seconds,
      serverCpuMsPerRequest: (usageAfter.cpuMicros - usageBefore.cpuMicros) / 1000 / requests,
      model,
    };
  } finally {
    agent.destroy();
  }
}

export interface HeldRow {
  target: string;
  requested: number;
  held: number;
  failed: number;
  openSeconds: number;
  rssMb: number;
  rssKbPerStream: number;
  heapKbPerStream: number;
  cpuPercentWhileHeld: number;
  probeTtftP50Ms: number;
  probeTtftMaxMs: number;
  /** False when the server was still busy with earlier work (over 10% CPU) after 30 s of waiting. */
  settledBefore: boolean;
}

/** CPU share of one core the server used over `windowMs`. */
async function cpuPercent(server: ChildServer, windowMs: number): Promise<number> {
  const start = await server.usage();
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  const end = await server.usage();
  return (100 * (end.cpuMicros - start.cpuMicros)) / 1000 / (performance.now() - started);
}

/**
 * Waits for the work a load run leaves behind (the chat-log workflows run after each answer) to
 * drain, so a level's CPU and memory are its own. Gives up after `maxMs` and says so in the row.
 */
async function settle(server: ChildServer, { belowPercent = 10, maxMs = 30_000 } = {}): Promise<boolean> {
  const deadline = performance.now() + maxMs;
  while (performance.now() < deadline) {
    if ((await cpuPercent(server, 1000)) < belowPercent) return true;
  }
  return false;
}

async function holdStreams(target: Target, count: number, fake: FakeOpenAiServer | null): Promise<HeldRow> {
  const agent = createBenchAgent();
  const streams: OpenedStream[] = [];
  let failed = 0;
  const settled = await settle(target.server);
  try {
    const base = await target.server.usage({ gc: true });
    // Each held answer sends one piece at once, then stays silent far longer than the test.
    if (fake)
      fake.enqueue(
        ...Array.from({ length: count }, () => ({
          kind: 'reply' as const,
          text: 'Held open',
          pieces: ['Held', ' open'],
          pieceDelayMs: 600_000,
        })),
      );
    const question = target.question();
    const started = performance.now();
    let issued = 0;
    await Promise.all(
      Array.from({ length: Math.min(HOLD_RAMP_CONCURRENCY, count) }, async () => {
        while (issued < count) {
          issued += 1;
          try {
            const opened = await openSseStream(target.url, {
              body: { message: question },
              headers: { ...target.headers, 'x-hold': '1' },
              agent,
              timeoutMs: 120_000,
            });
            if (opened.status === 200 && opened.ttftMs !== null) streams.push(opened);
            else {
              failed += 1;
              opened.cancel();
            }
          } catch {
            failed += 1;
          }
        }
      }),
    );
    const openSeconds = (performance.now() - started) / 1000;
    // CPU before the forced GC: process CPU counts V8's helper threads, which a full GC keeps busy.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const cpuWhileHeld = await cpuPercent(target.server, 2000);
    const held = await target.server.usage({ gc: true });

    const probes: number[] = [];
    const probeAgent = createBenchAgent();
    for (let index = 0; index < PROBES_WHILE_HELD; index++) {
      const opened = await openSseStream(target.url, {
        body: { message: target.question() },
        headers: target.headers,
        agent: probeAgent,
      });
      if (opened.ttftMs !== null) probes.push(opened.ttftMs);
      // A probe that got a held reply (a held request that never reached the fake) is cut short.
      await Promise.race([opened.finished, new Promise((resolve) => setTimeout(resolve, 5000))]);
      opened.cancel();
    }
    probeAgent.destroy();

    return {
      target: target.name,
      requested: count,
      held: streams.length,
      failed,
      openSeconds,
      rssMb: held.rss / 2 ** 20,
      rssKbPerStream: streams.length ? (held.rss - base.rss) / 1024 / streams.length : Number.NaN,
      heapKbPerStream: streams.length
        ? (held.heapUsed + held.external - base.heapUsed - base.external) / 1024 / streams.length
        : Number.NaN,
      cpuPercentWhileHeld: cpuWhileHeld,
      settledBefore: settled,
      probeTtftP50Ms: percentile(probes, 50),
      probeTtftMaxMs: probes.length ? Math.max(...probes) : Number.NaN,
    };
  } finally {
    for (const stream of streams) stream.cancel();
    await Promise.all(streams.map((stream) => stream.finished));
    agent.destroy();
    // Let the server notice the hang-ups and drop what it held before the next level.
    await new Promise((resolve) => setTimeout(resolve, 1500));
  }
}

async function prepareSite(site: BenchSite, documents: Workload['documents']): Promise<void> {
  const ids: string[] = [];
  for (const document of documents) {
    const upload = await uploadDocument(site, document.filename, document.text);
    if (!upload.ok) throw new Error(`upload of ${document.filename} refused: ${upload.status} ${upload.message}`);
    ids.push(upload.id);
  }
  const settled = await waitForDocuments(site, ids, { timeoutMs: 120_000 });
  const failed = [...settled.values()].filter((document) => document.status !== 'ready');
  if (failed.length)
    throw new Error(
      `documents failed to ingest: ${failed.map((document) => `${document.filename}: ${document.error?.message}`).join('; ')}`,
    );
}

export async function runTtft(): Promise<SectionResult> {
  const loadBefore = loadavg();
  const workload = loadWorkload();
  const fake = await startFakeOpenAi();
  const servers: ChildServer[] = [];
  const metricsPort = await freePort();
  metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  try {
    const [stack, bare] = await Promise.all([
      startChildServer('stack', {
        METRICS_PORT: String(metricsPort),
        OPENAI_BASE_URL: fake.baseURL,
        OPENAI_API_KEY: fake.apiKey,
        LLM_PROVIDER: 'openai',
        EMBEDDING_PROVIDER: 'local',
        // Held streams stay open for a while; the provider timeout must not end them.
        LLM_TIMEOUT_MS: '600000',
      }),
      startChildServer('bare-sse'),
    ]);
    servers.push(stack, bare);

    const admin = await signUp(stack.url);
    const localSite = await createSite(admin, { name: 'TTFT local answerer', llmProvider: 'local' });
    const fakeSite = await createSite(admin, { name: 'TTFT fake OpenAI' });
    await prepareSite(localSite, workload.documents);
    await prepareSite(fakeSite, workload.documents);

    const chatUrl = new URL('/chat/stream', stack.url).href;
    const targets: Target[] = [
      {
        name: 'ChatConnect, local answerer',
        server: stack,
        url: chatUrl,
        headers: { 'x-api-key': localSite.apiKey },
        question: questionSource(workload.questions),
        serverSideMetrics: true,
      },
      {
        name: 'ChatConnect, zero-latency fake OpenAI',
        server: stack,
        url: chatUrl,
        headers: { 'x-api-key': fakeSite.apiKey },
        question: questionSource(workload.questions),
        serverSideMetrics: true,
      },
      {
        name: 'bare Node SSE handler (baseline)',
        server: bare,
        url: new URL('/', bare.url).href,
        headers: {},
        question: questionSource(workload.questions),
        serverSideMetrics: false,
      },
    ];

    const ttftRows: TtftRow[] = [];
    for (const target of targets) {
      await runLoad(target, 1, WARMUP_REQUESTS);
      for (const run of RUNS) ttftRows.push(await runLoad(target, run.concurrency, run.requests));
    }

    const heldRows: HeldRow[] = [];
    for (const target of [targets[1], targets[2]]) {
      for (const count of HOLD_LEVELS)
        heldRows.push(await holdStreams(target, count, target === targets[1] ? fake : null));
    }
    const stackUsage: ProcessUsage = await stack.usage();

    const ms = (value: number) => formatCell(value, value < 10 ? 2 : 1);
    const lines = [
      `Client-observed TTFT = request start → first \`event: token\` over loopback (node:http, keep-alive), POST /chat/stream with a new question each time`,
      `(no query-cache hits), ${workload.documents.length} documents per site. Server-side = the product's ${TTFT_HISTOGRAM} histogram over the same`,
      'requests (bucket-interpolated, so coarse). Each server is its own Node process; the client and fake OpenAI share the bench process.',
      '',
      formatTable(
        [
          'target',
          'streams',
          'n',
          'errors',
          'p50 ms',
          'p99 ms',
          'max ms',
          'server p50 ms',
          'server p99 ms',
          'req/s',
          'server CPU ms/req',
          'model',
        ],
        ttftRows.map((row): Cell[] => [
          row.target,
          row.concurrency,
          row.requests,
          row.errors,
          ms(row.client.p50),
          ms(row.client.p99),
          ms(row.client.max),
          Number.isNaN(row.serverP50Ms) ? '–' : ms(row.serverP50Ms),
          Number.isNaN(row.serverP99Ms) ? '–' : ms(row.serverP99Ms),
          row.requestsPerSecond,
          row.serverCpuMsPerRequest,
          row.model ?? '–',
        ]),
      ),
      '',
      'Versus the bare handler (p50 ÷ bare p50, same concurrency):',
      formatTable(
        ['target', 'streams', 'p50 ×bare', 'p99 ×bare', 'CPU/req ×bare'],
        ttftRows
          .filter((row) => row.target !== targets[2].name)
          .map((row): Cell[] => {
            const bareRow = ttftRows.find(
              (candidate) => candidate.target === targets[2].name && candidate.concurrency === row.concurrency,
            )!;
            return [
              row.target,
              row.concurrency,
              `${(row.client.p50 / bareRow.client.p50).toFixed(0)}×`,
              `${(row.client.p99 / bareRow.client.p99).toFixed(0)}×`,
              `${(row.serverCpuMsPerRequest / bareRow.serverCpuMsPerRequest).toFixed(0)}×`,
            ];
          }),
      ),
      '',
      'Streams held: N streams opened (50 at a time) that got their first token and stay open while the upstream is silent',
      '(the fake OpenAI sends one piece, then pauses 10 min; the bare handler never ends). Each level starts once the server is idle',
      '(< 10% CPU over 1 s, e.g. after the chat-log workflows of earlier runs drained). Memory is measured after a forced GC in the server',
      `process; CPU (all threads: JS, V8 GC, Temporal core) over 2 s, 1 s after the last stream opened; probe = TTFT of ${PROBES_WHILE_HELD} new`,
      'streams opened one by one while the N are held.',
      '',
      formatTable(
        [
          'target',
          'N',
          'held',
          'failed',
          'open s',
          'server RSS MB',
          'RSS KB/stream',
          'heap+ext KB/stream',
          'CPU % held',
          'probe p50 ms',
          'probe max ms',
          'idle before',
        ],
        heldRows.map((row): Cell[] => [
          row.target,
          row.requested,
          row.held,
          row.failed,
          row.openSeconds,
          row.rssMb,
          row.rssKbPerStream,
          row.heapKbPerStream,
          row.cpuPercentWhileHeld,
          ms(row.probeTtftP50Ms),
          ms(row.probeTtftMaxMs),
          row.settledBefore ? 'yes' : 'no (busy)',
        ]),
      ),
    ];
    const capacity = [targets[1], targets[2]].map((target) => {
      const rows = heldRows.filter((row) => row.target === target.name);
      const sustained = rows
        .filter((row) => row.requested > 0)
        .filter((row) => row.failed === 0 && row.probeTtftP50Ms <= HELD_TTFT_BUDGET_MS)
        .map((row) => row.held);
      const largest = rows.at(-1)!;
      // RSS moves by tens of MB on its own in a 1 GB process; at the largest N the per-stream
      // figure is least noisy, and the larger of RSS and heap+external is the safer bound.
      const perGiB = 2 ** 20 / Math.max(largest.rssKbPerStream, largest.heapKbPerStream);
      return {
        target: target.name,
        sustainedPerCore: sustained.length ? Math.max(...sustained) : 0,
        streamsPerGiB: perGiB,
        testedUpTo: largest.requested,
      };
    });
    lines.push(
      '',
      `Streams held per core = the largest N tested (up to ${HOLD_LEVELS.at(-1)}) held with no failures while new streams still start with p50 ≤ ${HELD_TTFT_BUDGET_MS} ms,`,
      'in one server process (Node runs JavaScript on one core). Streams per GiB = 1 GiB ÷ the larger of RSS and heap+external',
      'per held stream at the largest N (RSS of the ~1 GB product process drifts by tens of MB, so small-N RSS deltas are noise).',
      formatTable(
        ['target', 'streams held per core (≥)', 'streams per GiB'],
        capacity.map((row): Cell[] => [row.target, row.sustainedPerCore, Math.round(row.streamsPerGiB)]),
      ),
    );
    lines.push('', ...targetLines({ ttftRows, heldRows, product: targets[1].name, bare: targets[2].name, loadBefore }));
    if (stackUsage.temporalWarnings)
      lines.push('', `Temporal worker warnings in the product process: ${stackUsage.temporalWarnings}`);
    return { lines, data: { ttft: ttftRows, held: heldRows, capacity, heldTtftBudgetMs: HELD_TTFT_BUDGET_MS } };
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    await fake.close();
  }
}
