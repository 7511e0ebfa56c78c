/**
 * Offline retrieval and answer quality on SQuAD 2.0 (Normans + Rhine dev articles).
 *
 * Every paragraph becomes one chunk of its own document in an in-process PGlite. For each
 * answerable question it reports whether the gold paragraph is ranked first / in the top five
 * by: a BM25 baseline (minisearch), the local embedder alone (brute-force cosine), our
 * Postgres BM25 (lexicalSearch) alone, and the fused ranking. Then it asks the local answerer
 * with the top five fused chunks and counts answers that contain a gold answer span.
 * Last, it checks the relevance floor: Normans-only tenant, Rhine questions must find nothing.
 *
 *   npx tsx bench/retrieval-quality-offline.ts
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { encode } from 'gpt-tokenizer';
import MiniSearch from 'minisearch';
import { createLocalEmbedder } from '../core/adapters/embedder/local';
import { createLocalAnswerer } from '../core/adapters/llm/local';
import type { RetrievedChunk } from '../core/adapters/llm/types';
import { fuseRankings, type FusedChunk, type RankedChunk } from '../core/retrieval/fuse';
import { lexicalSearch } from '../core/retrieval/lexical';
import { rerankBySentenceEvidence } from '../core/retrieval/rerank';
import { startPgliteChunksDatabase } from '../core/retrieval/pglite-test-database';
import { applyRelevanceFloor, DEFAULT_RELEVANCE_FLOOR } from '../core/retrieval/relevance';
import { CORPUS_DIR, CORPUS_MISSING_MESSAGE, corpusAvailable } from '../tests/corpus';

interface SquadFile {
  data: Array<{
    title: string;
    paragraphs: Array<{
      context: string;
      qas: Array<{ question: string; is_impossible: boolean; answers: Array<{ text: string }> }>;
    }>;
  }>;
}

interface Paragraph {
  documentId: string;
  title: string;
  text: string;
  embedding: number[];
}

interface Question {
  question: string;
  goldDocumentId: string;
  title: string;
  answers: string[];
}

const CANDIDATES_PER_SIDE = 20;
const TOP_K = 5;

async function main(): Promise<void> {
  if (!corpusAvailable) {
    console.log(CORPUS_MISSING_MESSAGE);
    return;
  }
  const squad = JSON.parse(
    readFileSync(path.join(CORPUS_DIR, 'qa', 'squad2-dev-normans-rhine.json'), 'utf8'),
  ) as SquadFile;

  const embedder = createLocalEmbedder();
  const paragraphs: Paragraph[] = [];
  const questions: Question[] = [];
  for (const article of squad.data) {
    for (const paragraph of article.paragraphs) {
      const documentId = randomUUID();
      paragraphs.push({ documentId, title: article.title, text: paragraph.context, embedding: [] });
      for (const qa of paragraph.qas) {
        if (qa.is_impossible) continue;
        questions.push({
          question: qa.question,
          goldDocumentId: documentId,
          title: article.title,
          answers: [...new Set(qa.answers.map((answer) => answer.text))],
        });
      }
    }
  }

  const embedStarted = performance.now();
  const vectors = await embedder.embed(paragraphs.map((paragraph) => paragraph.text));
  const embedMs = performance.now() - embedStarted;
  paragraphs.forEach((paragraph, index) => (paragraph.embedding = vectors[index]));

  const database = await startPgliteChunksDatabase();
  try {
    const allClientId = randomUUID();
    const normansOnlyClientId = randomUUID();
    const rowsFor = (clientId: string, subset: Paragraph[]) =>
      subset.map((paragraph) => ({
        id: randomUUID(),
        client_id: clientId,
        document_id: paragraph.documentId,
        version: 1,
        chunk_index: 0,
        text: paragraph.text,
        token_count: encode(paragraph.text).length,
        embedding: paragraph.embedding,
        active: true,
      }));
    // A second tenant holding only the Normans article, under its own document ids.
    const normans = paragraphs
      .filter((paragraph) => paragraph.title === 'Normans')
      .map((paragraph) => ({ ...paragraph, documentId: randomUUID() }));
    await database.insertChunks(rowsFor(allClientId, paragraphs));
    await database.insertChunks(rowsFor(normansOnlyClientId, normans));

    const miniSearch = new MiniSearch<{ id: string; text: string }>({ fields: ['text'], storeFields: [] });
    miniSearch.addAll(paragraphs.map((paragraph) => ({ id: paragraph.documentId, text: paragraph.text })));

    const retrieve = async (clientId: string, corpus: Paragraph[], question: string) => {
      const queryVector = (await embedder.embed([question]))[0];
      const dense: RankedChunk[] = corpus
        .map((paragraph) => ({
          documentId: paragraph.documentId,
          chunkIndex: 0,
          text: paragraph.text,
          score: dot(queryVector, paragraph.embedding),
        }))
        .sort((a, b) => b.score - a.score)
        .slice(0, CANDIDATES_PER_SIDE);
      const lexicalStarted = performance.now();
      const lexical = await lexicalSearch(database.knex, { clientId, query: question, limit: CANDIDATES_PER_SIDE });
      const lexicalMs = performance.now() - lexicalStarted;
      // The same steps and sizes as hybridSearch, with brute-force cosine standing in for the vector store.
      const fused = fuseRankings({ dense, lexical, limit: CANDIDATES_PER_SIDE * 2 });
      const reranked = rerankBySentenceEvidence({ question, chunks: fused });
      return { dense, lexical, fused, reranked, lexicalMs };
    };

    const hits = { bm25: [0, 0], dense: [0, 0], lexical: [0, 0], fused: [0, 0], reranked: [0, 0] };
    const lexicalLatencies: number[] = [];
    const answerer = createLocalAnswerer();
    let answersWithGold = 0;
    let answersWhenRetrieved = 0;
    let retrievedTop5 = 0;
    let answerSentences = 0;
    let answerWords = 0;
    const misses: string[] = [];

    for (const question of questions) {
      const count = (key: keyof typeof hits, ranking: Array<{ documentId: string }>) => {
        const rank = ranking.findIndex((hit) => hit.documentId === question.goldDocumentId);
        if (rank === 0) hits[key][0] += 1;
        if (rank >= 0 && rank < TOP_K) hits[key][1] += 1;
      };
      count(
        'bm25',
        miniSearch.search(question.question).map((result) => ({ documentId: String(result.id) })),
      );
      const { dense, lexical, fused, reranked, lexicalMs } = await retrieve(allClientId, paragraphs, question.question);
      lexicalLatencies.push(lexicalMs);
      count('dense', dense);
      count('lexical', lexical);
      count('fused', fused);
      count('reranked', reranked);

      const context = toContext(applyRelevanceFloor(reranked).slice(0, TOP_K));
      const answer = await collectAnswer(answerer, question.question, context);
      const containsGold = question.answers.some((gold) => answer.toLowerCase().includes(gold.toLowerCase()));
      const goldRetrieved = context.some((chunk) => chunk.documentId === question.goldDocumentId);
      if (goldRetrieved) retrievedTop5 += 1;
      if (containsGold) answersWithGold += 1;
      if (containsGold && goldRetrieved) answersWhenRetrieved += 1;
      if (!containsGold && goldRetrieved && misses.length < Number(process.env.BENCH_SHOW_MISSES ?? 0)) {
        misses.push(`Q: ${question.question}\n   gold: ${question.answers.join(' | ')}\n   A: ${answer}`);
      }
      answerSentences += countSentences(answer);
      answerWords += answer.split(/\s+/).filter(Boolean).length;
    }

    const total = questions.length;
    const percent = (value: number) => `${((100 * value) / total).toFixed(1)}%`;
    console.log(`SQuAD 2.0 dev, Normans + Rhine: ${paragraphs.length} paragraphs, ${total} answerable questions`);
    console.log(
      `local embedder: ${embedder.model}, ${embedder.dimensions} dims, ${embedMs.toFixed(0)} ms for all paragraphs`,
    );
    console.log('');
    console.log('retrieval of the gold paragraph    recall@1   recall@5');
    const row = (label: string, key: keyof typeof hits) =>
      console.log(`${label.padEnd(35)}${percent(hits[key][0]).padStart(8)}${percent(hits[key][1]).padStart(11)}`);
    row('BM25 baseline (minisearch)', 'bm25');
    row('dense (local embedder, cosine)', 'dense');
    row('lexical (Postgres BM25)', 'lexical');
    row('fused (dense + lexical)', 'fused');
    row('fused + sentence rerank (final)', 'reranked');
    console.log('');
    lexicalLatencies.sort((a, b) => a - b);
    console.log(
      `lexicalSearch latency: median ${lexicalLatencies[Math.floor(total / 2)].toFixed(1)} ms, p95 ${lexicalLatencies[Math.floor(total * 0.95)].toFixed(1)} ms`,
    );
    console.log('');
    console.log('local answerer with the top 5 final chunks (after the relevance floor)');
    console.log(`  answer contains a gold span:            ${percent(answersWithGold)}`);
    console.log(
      `  ... when the gold paragraph was given:  ${((100 * answersWhenRetrieved) / Math.max(1, retrievedTop5)).toFixed(1)}% of ${retrievedTop5}`,
    );
    console.log(
      `  mean answer length: ${(answerSentences / total).toFixed(2)} sentences, ${(answerWords / total).toFixed(1)} words`,
    );

    // Relevance floor: a tenant holding only the Normans article, asked about the Rhine, should get nothing.
    const floorCheck = async (title: string) => {
      let kept = 0;
      for (const question of questions.filter((candidate) => candidate.title === title)) {
        const { reranked } = await retrieve(normansOnlyClientId, normans, question.question);
        if (applyRelevanceFloor(reranked).length > 0) kept += 1;
      }
      return { kept, of: questions.filter((candidate) => candidate.title === title).length };
    };
    const inDomain = await floorCheck('Normans');
    const outOfDomain = await floorCheck('Rhine');
    console.log('');
    console.log(`relevance floor ${DEFAULT_RELEVANCE_FLOOR} on a Normans-only tenant:`);
    console.log(`  Normans questions that keep at least one chunk: ${inDomain.kept}/${inDomain.of}`);
    console.log(
      `  Rhine questions that keep at least one chunk:   ${outOfDomain.kept}/${outOfDomain.of} (should be few)`,
    );
    if (misses.length > 0)
      console.log(`\nanswers missing the gold span although its paragraph was given:\n${misses.join('\n')}`);
  } finally {
    await database.close();
  }
}

function toContext(fused: FusedChunk[]): RetrievedChunk[] {
  return fused.map((hit) => ({
    documentId: hit.documentId,
    filename: `${hit.documentId}.txt`,
    chunkIndex: hit.chunkIndex,
    page: hit.page ?? null,
    score: hit.score,
    text: hit.text,
  }));
}

async function collectAnswer(
  answerer: ReturnType<typeof createLocalAnswerer>,
  question: string,
  context: RetrievedChunk[],
): Promise<string> {
  let answer = '';
  for await (const event of answerer.stream({
    systemPrompt: '',
    context,
    history: [],
    question,
    model: 'local-extractive',
  })) {
    if (event.type === 'token') answer += event.text;
  }
  return answer;
}

function countSentences(text: string): number {
  return Array.from(new Intl.Segmenter('en', { granularity: 'sentence' }).segment(text)).length;
}

function dot(a: number[], b: number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i += 1) sum += a[i] * b[i];
  return sum;
}

await main();
