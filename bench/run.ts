/**
 * `npm run bench` runs every section; `npm run bench -- ingestion ttft` runs the ones named.
 * Each prints its numbers beside a named baseline and never asserts a timing. Results are merged
 * into bench/results/latest.json.
 */
import path from 'node:path';
import { mergeResults, type SectionRecord } from './lib/results';
import type { SectionResult } from './lib/section';
import { printSection } from './lib/table';

const SECTIONS: Record<string, { title: string; run: () => Promise<SectionResult> }> = {
  ingestion: {
    title: 'ingestion: throughput, product vs parser + tokenizer',
    run: async () => (await import('./sections/ingestion')).runIngestion(),
  },
  ttft: {
    title: 'ttft: time to first token and streams held, product vs bare Node SSE',
    run: async () => (await import('./sections/ttft')).runTtft(),
  },
  'noisy-neighbour': {
    title: "noisy neighbour: a chat's p95 idle vs while another tenant ingests 10 MB",
    run: async () => (await import('./sections/noisy-neighbour')).runNoisyNeighbour(),
  },
  retrieval: {
    title: 'retrieval: SQuAD 2.0 recall and answers, product vs BM25',
    run: async () => (await import('./sections/retrieval')).runRetrieval(),
  },
  widget: {
    title: 'widget: gzipped bundle size vs peers and budgets',
    run: async () => (await import('./sections/widget')).runWidget(),
  },
};

export const RESULTS_FILE = path.join(import.meta.dirname, 'results', 'latest.json');

async function main(): Promise<number> {
  const requested = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
  const unknown = requested.filter((name) => !(name in SECTIONS));
  if (unknown.length) {
    console.error(`Unknown section(s): ${unknown.join(', ')}. Choose from: ${Object.keys(SECTIONS).join(', ')}.`);
    return 2;
  }
  const names = requested.length ? requested : Object.keys(SECTIONS);
  const records: Record<string, SectionRecord> = {};
  let failures = 0;
  for (const name of names) {
    const section = SECTIONS[name];
    const started = performance.now();
    console.log(`\n--- ${name}: running ---`);
    try {
      const result = await section.run();
      const durationSeconds = (performance.now() - started) / 1000;
      printSection(`${section.title} (${durationSeconds.toFixed(0)} s)`, result.lines);
      records[name] = {
        finishedAt: new Date().toISOString(),
        durationSeconds,
        ...(result.skipped && { skipped: result.skipped }),
        data: result.data,
      };
    } catch (error) {
      failures += 1;
      const durationSeconds = (performance.now() - started) / 1000;
      console.error(
        `\n=== ${name} FAILED after ${durationSeconds.toFixed(0)} s ===\n${(error as Error).stack ?? error}`,
      );
      records[name] = {
        finishedAt: new Date().toISOString(),
        durationSeconds,
        error: (error as Error).message,
        data: null,
      };
    }
  }
  mergeResults(RESULTS_FILE, records);
  console.log(`\nResults written to ${path.relative(process.cwd(), RESULTS_FILE)}`);
  return failures ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
