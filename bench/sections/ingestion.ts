import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from '../../activities/parse';
import { createLocalEmbedder } from '../../core/adapters/embedder/local';
import { loadConfig } from '../../core/config';
import { chunkSections, countTokens } from '../../core/ingestion/chunker';
import type { FileType, ParsedDocument } from '../../core/ingestion/types';
import { corpusAvailable, corpusFiles, CORPUS_MISSING_MESSAGE } from '../../tests/corpus';
import { startEmbeddedStack } from '../lib/embedded-stack';
import { createSite, signUp, uploadDocument, waitForDocuments } from '../lib/product-client';
import { rate } from '../lib/stats';
import { formatTable, type Cell } from '../lib/table';
import type { SectionResult } from '../lib/section';

/**
 * Ingestion throughput through the real product (upload → ready, embedded mode) beside the
 * parser, the chunker (cl100k tokenizer) and the local embedder called directly on the same
 * files, so the cost of everything around them (HTTP, blob store, Temporal, database, vector
 * writes) shows as a ratio.
 */

const TYPES: FileType[] = ['pdf', 'docx', 'csv', 'txt'];
const PRODUCT_DEFAULTS = loadConfig({});

interface RawFile {
  file: string;
  type: FileType;
  bytes: number;
  parseMs: number;
  /** chunkSections: tokenizing with cl100k and packing into chunks. */
  chunkMs: number;
  /** countTokens over the parsed text alone, the tokenizer without the packing. */
  tokenizeMs: number;
  embedMs: number;
  pages: number | null;
  chunks: number;
  tokens: number;
  error?: string;
}

interface ProductFile {
  file: string;
  type: FileType;
  status: 'ready' | 'failed' | 'refused';
  pages: number | null;
  chunks: number;
  tokens: number;
  error?: string;
}

export interface IngestionTypeRow {
  type: FileType | 'all';
  files: number;
  failed: number;
  pages: number;
  chunks: number;
  tokens: number;
  productSeconds: number;
  pagesPerSecond: number;
  chunksPerSecond: number;
  tokensPerSecond: number;
  parseSeconds: number;
  chunkSeconds: number;
  tokenizeSeconds: number;
  embedSeconds: number;
  /** product time / (parse + chunk) time over the same files. */
  ratioToParseAndChunk: number;
  /** product time / (parse + chunk + embed): what the product adds beyond the work itself. */
  ratioToAllWork: number;
}

/** Parse, chunk and embed one file the way the ingestion activities do, timing each step. */
export async function measureRawPipeline(file: string, type: FileType): Promise<RawFile> {
  const bytes = new Uint8Array(readFileSync(file));
  const base = { file: path.basename(file), type, bytes: bytes.length };
  let parsed: ParsedDocument;
  const parseStarted = performance.now();
  try {
    parsed = await parseDocument({ bytes, fileType: type });
  } catch (error) {
    return { ...base, parseMs: performance.now() - parseStarted, chunkMs: 0, tokenizeMs: 0, embedMs: 0, pages: null, chunks: 0, tokens: 0, error: (error as Error).message };
  }
  const parseMs = performance.now() - parseStarted;

  const tokenizeStarted = performance.now();
  for (const section of parsed.sections) countTokens(section.text);
  const tokenizeMs = performance.now() - tokenizeStarted;

  const chunkStarted = performance.now();
  const chunks = chunkSections(parsed.sections, { maxTokens: PRODUCT_DEFAULTS.CHUNK_TOKENS, overlapTokens: PRODUCT_DEFAULTS.CHUNK_OVERLAP_TOKENS });
  const chunkMs = performance.now() - chunkStarted;

  // The embed activity sends heading + text per chunk, in the embedder's batch size.
  const embedder = createLocalEmbedder({ dimensions: PRODUCT_DEFAULTS.LOCAL_EMBEDDING_DIMENSIONS });
  const texts = chunks.map((chunk) => (chunk.heading ? `${chunk.heading}\n${chunk.text}` : chunk.text));
  const embedStarted = performance.now();
  for (let start = 0; start < texts.length; start += embedder.maxBatchSize) await embedder.embed(texts.slice(start, start + embedder.maxBatchSize));
  const embedMs = performance.now() - embedStarted;

  return {
    ...base,
    parseMs,
    chunkMs,
    tokenizeMs,
    embedMs,
    pages: parsed.pageCount ?? null,
    chunks: chunks.length,
    tokens: chunks.reduce((sum, chunk) => sum + chunk.tokenCount, 0),
    ...(chunks.length === 0 && { error: 'no text found' }),
  };
}

export async function runIngestion(): Promise<SectionResult> {
  if (!corpusAvailable) return { skipped: CORPUS_MISSING_MESSAGE, lines: [CORPUS_MISSING_MESSAGE], data: null };
  const filesByType = new Map(TYPES.map((type) => [type, corpusFiles(type)] as const));

  // The raw pipeline runs first, alone, so the two measurements never share the CPU.
  const raw = new Map<string, RawFile>();
  for (const type of TYPES) {
    for (const file of filesByType.get(type)!) raw.set(file, await measureRawPipeline(file, type));
  }

  const product = new Map<string, ProductFile>();
  const productSeconds = new Map<FileType, number>();
  const embedded = await startEmbeddedStack();
  try {
    const site = await createSite(await signUp(embedded.url), { name: 'Ingestion bench' });
    const knex = embedded.stack.container.db.knex;
    for (const type of TYPES) {
      // One type at a time, every file of it at once: a bulk upload, as an admin starting out does.
      const started = performance.now();
      const uploaded = new Map<string, string>();
      for (const file of filesByType.get(type)!) {
        const result = await uploadDocument(site, path.basename(file), new Uint8Array(readFileSync(file)));
        if (result.ok) uploaded.set(result.id, file);
        else product.set(file, { file: path.basename(file), type, status: 'refused', pages: null, chunks: 0, tokens: 0, error: `HTTP ${result.status}: ${result.message}` });
      }
      const settled = await waitForDocuments(site, [...uploaded.keys()], { timeoutMs: 300_000 });
      const lastSettled = Math.max(started, ...[...settled.values()].map((document) => document.settledAt));
      productSeconds.set(type, (lastSettled - started) / 1000);
      const tokenRows: Array<{ document_id: string; tokens: string | number | null }> = await knex('chunks')
        .whereIn('document_id', [...uploaded.keys()])
        .where({ active: true })
        .groupBy('document_id')
        .select('document_id')
        .sum({ tokens: 'token_count' });
      const tokensByDocument = new Map(tokenRows.map((row) => [row.document_id, Number(row.tokens ?? 0)]));
      for (const [id, file] of uploaded) {
        const document = settled.get(id)!;
        product.set(file, {
          file: path.basename(file),
          type,
          status: document.status === 'ready' ? 'ready' : 'failed',
          pages: document.pageCount,
          chunks: document.status === 'ready' ? document.chunkCount : 0,
          tokens: tokensByDocument.get(id) ?? 0,
          ...(document.status !== 'ready' && { error: document.error?.message ?? 'failed' }),
        });
      }
    }
  } finally {
    await embedded.close();
  }

  const rows: IngestionTypeRow[] = [];
  for (const type of [...TYPES, 'all' as const]) {
    const files = type === 'all' ? [...filesByType.values()].flat() : filesByType.get(type)!;
    // Rates and ratios only over files that both the product and the raw pipeline took.
    const ok = files.filter((file) => product.get(file)?.status === 'ready' && !raw.get(file)?.error);
    const sum = (pick: (file: string) => number) => ok.reduce((total, file) => total + pick(file), 0);
    const seconds = type === 'all' ? [...productSeconds.values()].reduce((a, b) => a + b, 0) : productSeconds.get(type) ?? 0;
    const parseSeconds = sum((file) => raw.get(file)!.parseMs) / 1000;
    const chunkSeconds = sum((file) => raw.get(file)!.chunkMs) / 1000;
    const embedSeconds = sum((file) => raw.get(file)!.embedMs) / 1000;
    const pages = sum((file) => product.get(file)!.pages ?? 0);
    const chunks = sum((file) => product.get(file)!.chunks);
    const tokens = sum((file) => product.get(file)!.tokens);
    rows.push({
      type,
      files: files.length,
      failed: files.length - ok.length,
      pages,
      chunks,
      tokens,
      productSeconds: seconds,
      pagesPerSecond: rate(pages, seconds),
      chunksPerSecond: rate(chunks, seconds),
      tokensPerSecond: rate(tokens, seconds),
      parseSeconds,
      chunkSeconds,
      tokenizeSeconds: sum((file) => raw.get(file)!.tokenizeMs) / 1000,
      embedSeconds,
      ratioToParseAndChunk: rate(seconds, parseSeconds + chunkSeconds),
      ratioToAllWork: rate(seconds, parseSeconds + chunkSeconds + embedSeconds),
    });
  }

  const all = rows.at(-1)!;
  const lines = [
    'Product: upload → ready through the HTTP API, embedded mode (PGlite + pgvector, Temporal dev server, local embedder),',
    'one file type at a time with all its files uploaded at once. Time = first upload to last document settled (polled every 100 ms).',
    'Baseline: the same files through parseDocument, then chunkSections (cl100k, 500/50 tokens), then the local embedder, one file after another in this process.',
    'Rates and ratios count only files that both took; pages are PDF pages.',
    '',
    formatTable(
      ['type', 'files', 'failed', 'pages', 'chunks', 'tokens', 'product s', 'pages/s', 'chunks/s', 'tokens/s', 'parse s', 'chunk s', 'embed s', 'product/(parse+chunk)', 'product/(parse+chunk+embed)'],
      rows.map((row) => [
        row.type, row.files, row.failed, row.pages, row.chunks, row.tokens, row.productSeconds, row.pagesPerSecond, row.chunksPerSecond, row.tokensPerSecond,
        row.parseSeconds, row.chunkSeconds, row.embedSeconds, `${formatRatio(row.ratioToParseAndChunk)}`, `${formatRatio(row.ratioToAllWork)}`,
      ] as Cell[]),
    ),
    '',
    'Baseline alone on the same files:',
    formatTable(
      ['stage', 'seconds', 'pages/s', 'chunks/s', 'tokens/s'],
      [
        ['parseDocument', all.parseSeconds, rate(all.pages, all.parseSeconds), null, rate(all.tokens, all.parseSeconds)],
        ['countTokens (cl100k) alone', all.tokenizeSeconds, null, null, rate(all.tokens, all.tokenizeSeconds)],
        ['chunkSections (tokenize + pack)', all.chunkSeconds, null, rate(all.chunks, all.chunkSeconds), rate(all.tokens, all.chunkSeconds)],
        ['local embedder', all.embedSeconds, null, rate(all.chunks, all.embedSeconds), rate(all.tokens, all.embedSeconds)],
        ['parse + chunk', all.parseSeconds + all.chunkSeconds, rate(all.pages, all.parseSeconds + all.chunkSeconds), rate(all.chunks, all.parseSeconds + all.chunkSeconds), rate(all.tokens, all.parseSeconds + all.chunkSeconds)],
        ['product (upload → ready)', all.productSeconds, all.pagesPerSecond, all.chunksPerSecond, all.tokensPerSecond],
      ],
    ),
  ];

  const problems = [...filesByType.values()].flat().flatMap((file) => {
    const fromProduct = product.get(file);
    const fromRaw = raw.get(file);
    const notes: string[] = [];
    if (fromProduct && fromProduct.status !== 'ready') notes.push(`product ${fromProduct.status}: ${fromProduct.error}`);
    if (fromRaw?.error) notes.push(`raw parser: ${fromRaw.error}`);
    return notes.length ? [[`${path.basename(path.dirname(file))}/${path.basename(file)}`, notes.join(' | ').slice(0, 160)] as Cell[]] : [];
  });
  if (problems.length) lines.push('', 'Files skipped (failed or refused):', formatTable(['file', 'why'], problems));

  const slowest = [...raw.values()].sort((a, b) => b.parseMs + b.chunkMs + b.embedMs - (a.parseMs + a.chunkMs + a.embedMs)).slice(0, 5);
  lines.push(
    '',
    'Slowest files in the baseline:',
    formatTable(
      ['file', 'KB', 'pages', 'chunks', 'parse ms', 'chunk ms', 'embed ms'],
      slowest.map((file) => [file.file, Math.round(file.bytes / 1024), file.pages, file.chunks, Math.round(file.parseMs), Math.round(file.chunkMs), Math.round(file.embedMs)]),
    ),
  );

  return {
    lines,
    data: {
      byType: rows,
      files: [...filesByType.values()].flat().map((file) => ({ raw: raw.get(file), product: product.get(file) })),
    },
  };
}

function formatRatio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(1)}×` : '–';
}
