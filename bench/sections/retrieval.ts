import { readFileSync } from 'node:fs';
import path from 'node:path';
import MiniSearch from 'minisearch';
import { CORPUS_DIR, CORPUS_MISSING_MESSAGE, corpusAvailable } from '../../tests/corpus';
import { startEmbeddedStack } from '../lib/embedded-stack';
import { createSite, signUp, uploadDocument, waitForDocuments, type BenchSite } from '../lib/product-client';
import { percentile, summarize } from '../lib/stats';
import { formatTable, type Cell } from '../lib/table';
import { installTemporalLogTally } from '../lib/temporal-log';
import { withTimeout } from '../lib/timeout';
import type { SectionResult } from '../lib/section';

/**
 * End-to-end retrieval quality on SQuAD 2.0 (Normans + Rhine): every paragraph is its own .txt
 * document of one site, every answerable question goes through POST /chat as a visitor would ask
 * it, and the gold paragraph's rank among the returned sources is scored beside BM25 (minisearch)
 * over the same paragraphs.
 */

interface SquadFile {
  data: Array<{
    title: string;
    paragraphs: Array<{ context: string; qas: Array<{ question: string; is_impossible: boolean; answers: Array<{ text: string }> }> }>;
  }>;
}

export interface SquadParagraph {
  key: string;
  filename: string;
  text: string;
}

export interface SquadQuestion {
  question: string;
  goldKey: string;
  answers: string[];
}

export function loadSquad(file: string): { paragraphs: SquadParagraph[]; questions: SquadQuestion[] } {
  const squad = JSON.parse(readFileSync(file, 'utf8')) as SquadFile;
  const paragraphs: SquadParagraph[] = [];
  const questions: SquadQuestion[] = [];
  for (const article of squad.data) {
    article.paragraphs.forEach((paragraph, index) => {
      const key = `${article.title}-${String(index + 1).padStart(2, '0')}`;
      paragraphs.push({ key, filename: `${key.toLowerCase()}.txt`, text: paragraph.context });
      for (const qa of paragraph.qas) {
        if (qa.is_impossible) continue;
        questions.push({ question: qa.question, goldKey: key, answers: [...new Set(qa.answers.map((answer) => answer.text))] });
      }
    });
  }
  return { paragraphs, questions };
}

/** 0-based rank of the gold paragraph among distinct paragraphs in `ranking`, or -1. */
export function goldRank(ranking: readonly string[], goldKey: string): number {
  return [...new Set(ranking)].indexOf(goldKey);
}

export function containsGoldSpan(answer: string, spans: readonly string[]): boolean {
  const haystack = answer.toLowerCase();
  return spans.some((span) => span.trim() !== '' && haystack.includes(span.trim().toLowerCase()));
}

interface RecallCounter {
  at1: number;
  at5: number;
  n: number;
}

const counter = (): RecallCounter => ({ at1: 0, at5: 0, n: 0 });
function count(recall: RecallCounter, rank: number): void {
  recall.n += 1;
  if (rank === 0) recall.at1 += 1;
  if (rank >= 0 && rank < 5) recall.at5 += 1;
}
const percent = (part: number, whole: number) => (whole ? (100 * part) / whole : Number.NaN);

interface ChatAnswer {
  answer: string;
  sources: Array<{ documentId: string; filename: string; score: number }>;
}

async function ask(site: BenchSite, baseUrl: string, question: string): Promise<{ status: number; body: ChatAnswer | null; ms: number }> {
  const started = performance.now();
  const response = await withTimeout(
    fetch(new URL('/chat', baseUrl), {
      method: 'POST',
      // No sessionId: each question is a new visitor with no history, as in the dataset.
      headers: { 'content-type': 'application/json', 'x-api-key': site.apiKey },
      body: JSON.stringify({ message: question }),
    }),
    60_000,
    'POST /chat',
  );
  const text = await response.text();
  const ms = performance.now() - started;
  return { status: response.status, body: response.ok ? (JSON.parse(text) as ChatAnswer) : null, ms };
}

export async function runRetrieval(): Promise<SectionResult> {
  if (!corpusAvailable) return { skipped: CORPUS_MISSING_MESSAGE, lines: [CORPUS_MISSING_MESSAGE], data: null };
  const { paragraphs, questions } = loadSquad(path.join(CORPUS_DIR, 'qa', 'squad2-dev-normans-rhine.json'));

  const miniSearch = new MiniSearch<{ id: string; text: string }>({ fields: ['text'], storeFields: [] });
  miniSearch.addAll(paragraphs.map((paragraph) => ({ id: paragraph.key, text: paragraph.text })));
  const bm25 = counter();
  for (const question of questions) {
    count(bm25, goldRank(miniSearch.search(question.question).map((result) => String(result.id)), question.goldKey));
  }

  const temporalLog = installTemporalLogTally();
  const embedded = await startEmbeddedStack();
  const asReturned = counter();
  const byScore = counter();
  const latencies: number[] = [];
  let withGoldSpan = 0;
  let withGoldSpanWhenRetrieved = 0;
  let noSources = 0;
  const answerWords: number[] = [];
  const failures: string[] = [];
  let ingestSeconds = 0;
  try {
    const site = await createSite(await signUp(embedded.url), { name: 'SQuAD bench' });
    const keyByDocumentId = new Map<string, string>();
    const ingestStarted = performance.now();
    // One at a time: concurrent uploads are the ingestion section's concern, not this one's.
    for (const paragraph of paragraphs) {
      const upload = await uploadDocument(site, paragraph.filename, paragraph.text);
      if (!upload.ok) throw new Error(`upload of ${paragraph.filename} refused: ${upload.status} ${upload.message}`);
      const document = (await waitForDocuments(site, [upload.id], { pollMs: 20 })).get(upload.id)!;
      if (document.status !== 'ready') throw new Error(`${paragraph.filename} failed to ingest: ${document.error?.message}`);
      keyByDocumentId.set(upload.id, paragraph.key);
    }
    ingestSeconds = (performance.now() - ingestStarted) / 1000;

    for (const question of questions) {
      const { status, body, ms } = await ask(site, embedded.url, question.question);
      if (!body) {
        failures.push(`${status} for "${question.question}"`);
        count(asReturned, -1);
        count(byScore, -1);
        continue;
      }
      latencies.push(ms);
      answerWords.push(body.answer.split(/\s+/).filter(Boolean).length);
      const returned = body.sources.map((source) => keyByDocumentId.get(source.documentId) ?? `unknown:${source.documentId}`);
      const scored = [...body.sources].sort((a, b) => b.score - a.score).map((source) => keyByDocumentId.get(source.documentId) ?? '');
      if (body.sources.length === 0) noSources += 1;
      const rank = goldRank(returned, question.goldKey);
      count(asReturned, rank);
      count(byScore, goldRank(scored, question.goldKey));
      if (containsGoldSpan(body.answer, question.answers)) {
        withGoldSpan += 1;
        if (rank >= 0) withGoldSpanWhenRetrieved += 1;
      }
    }
  } finally {
    await embedded.close();
  }

  const n = questions.length;
  const retrievedAt5 = asReturned.at5;
  const latency = summarize(latencies);
  const lines = [
    `${paragraphs.length} paragraphs uploaded as ${paragraphs.length} .txt documents to one site (ingested one by one in ${ingestSeconds.toFixed(0)} s);`,
    `${n} answerable questions asked through POST /chat (local embedder + local answerer, no session, rate limits raised).`,
    'recall@k = the gold paragraph is among the first k distinct documents in `sources`; answer hit = the answer contains a gold span (case-insensitive).',
    '',
    formatTable(
      ['system', 'recall@1 %', 'recall@5 %', 'answer has gold span %', 'questions'],
      [
        ['BM25 baseline (minisearch, same paragraphs)', percent(bm25.at1, bm25.n), percent(bm25.at5, bm25.n), null, bm25.n],
        ['ChatConnect, sources as returned', percent(asReturned.at1, n), percent(asReturned.at5, n), percent(withGoldSpan, n), n],
        ['ChatConnect, sources sorted by score', percent(byScore.at1, n), percent(byScore.at5, n), null, n],
      ] as Cell[][],
    ),
    '',
    `Recall@5 ours − BM25: ${(percent(asReturned.at5, n) - percent(bm25.at5, bm25.n)).toFixed(1)} points (target: +5).`,
    `Answer has a gold span when the gold paragraph was among the sources: ${percent(withGoldSpanWhenRetrieved, retrievedAt5).toFixed(1)}% (${withGoldSpanWhenRetrieved}/${retrievedAt5}).`,
    // A long answer contains spans by sheer length; its size says how much the hit rate means.
    `Answer length: median ${percentile(answerWords, 50)} words, p90 ${percentile(answerWords, 90)} (gold spans: median ${percentile(questions.map((question) => question.answers[0].split(/\s+/).length), 50)} words).`,
    `Questions answered with no sources: ${noSources}. Failed requests: ${failures.length}${failures.length ? ` (first: ${failures[0]})` : ''}.`,
    `POST /chat latency: p50 ${latency.p50.toFixed(0)} ms, p99 ${latency.p99.toFixed(0)} ms (sequential, n=${latency.n}).`,
  ];
  if (temporalLog.total) lines.push(`Temporal worker warnings: ${temporalLog.total}`, ...temporalLog.summary());
  return {
    lines,
    data: {
      paragraphs: paragraphs.length,
      questions: n,
      bm25: { recallAt1: percent(bm25.at1, bm25.n), recallAt5: percent(bm25.at5, bm25.n) },
      ours: {
        recallAt1: percent(asReturned.at1, n),
        recallAt5: percent(asReturned.at5, n),
        recallAt1ByScore: percent(byScore.at1, n),
        recallAt5ByScore: percent(byScore.at5, n),
        answerHasGoldSpan: percent(withGoldSpan, n),
        answerHasGoldSpanWhenRetrieved: percent(withGoldSpanWhenRetrieved, retrievedAt5),
        noSources,
        failedRequests: failures.length,
      },
      chatLatencyMs: latency,
      answerWords: { p50: percentile(answerWords, 50), p90: percentile(answerWords, 90) },
      ingestSeconds,
    },
  };
}
