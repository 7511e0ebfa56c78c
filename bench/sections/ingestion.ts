import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from '../../activities/parse';
import { createLocalEmbedder } from '../../core/adapters/embedder/local';
import { loadConfig } from '../../core/config';
import { chunkSections, countTokens } from '../../core/ingestion/chunker';
import type { FileType, ParsedDocument } from '../../core/ingestion/types';
import { corpusAvailable, corpusFiles, CORPUS_MISSING_MESSAGE } from '../../tests/corpus';
import { startEmbeddedStack } from '../lib/embedded-stack';
import { installTemporalLogTally } from '../lib/temporal-log';
import type { Knex } from 'knex';
import {
  createSite,
  signUp,
  uploadDocument,
  waitForDocuments,
  type BenchSite,
  type DocumentState,
} from '../lib/product-client';
import { percentile, rate } from '../lib/stats';
import { formatCell, formatTable, type Cell } from '../lib/table';
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
  /** Upload start to the poll (every 20 ms) that saw the document settled. */
  seconds: number;
  pages: number | null;
  chunks: number;
  tokens: number;
  error?: string;
}

export interface IngestionTypeRow {
  type: string;
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
    return {
      ...base,
      parseMs: performance.now() - parseStarted,
      chunkMs: 0,
      tokenizeMs: 0,
      embedMs: 0,
      pages: null,
      chunks: 0,
      tokens: 0,
      error: (error as Error).message,
    };
  }
  const parseMs = performance.now() - parseStarted;

  const tokenizeStarted = performance.now();
  for (const section of parsed.sections) countTokens(section.text);
  const tokenizeMs = performance.now() - tokenizeStarted;

  const chunkStarted = performance.now();
  const chunks = chunkSections(parsed.sections, {
    maxTokens: PRODUCT_DEFAULTS.CHUNK_TOKENS,
    overlapTokens: PRODUCT_DEFAULTS.CHUNK_OVERLAP_TOKENS,
  });
  const chunkMs = performance.now() - chunkStarted;

  // The embed activity sends heading + text per chunk, in the embedder's batch size.
  const embedder = createLocalEmbedder({ dimensions: PRODUCT_DEFAULTS.LOCAL_EMBEDDING_DIMENSIONS });
  const texts = chunks.map((chunk) => (chunk.heading ? `${chunk.heading}\n${chunk.text}` : chunk.text));
  const embedStarted = performance.now();
  for (let start = 0; start < texts.length; start += embedder.maxBatchSize)
    await embedder.embed(texts.slice(start, start + embedder.maxBatchSize));
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

  const temporalLog = installTemporalLogTally();
  const pollErrors: string[] = [];
  const onPollError = (message: string) => pollErrors.push(message);
  const allFiles = [...filesByType.values()].flat();
  const typeOf = (file: string) => TYPES.find((type) => filesByType.get(type)!.includes(file))!;

  // One file at a time, upload → ready, like the baseline: per-file times compare directly.
  const product = new Map<string, ProductFile>();
  await withProductSite('Ingestion one by one', async (site, knex) => {
    for (const file of allFiles) {
      const started = performance.now();
      const result = await uploadDocument(site, path.basename(file), new Uint8Array(readFileSync(file)));
      if (!result.ok) {
        product.set(file, refused(file, typeOf(file), result, performance.now() - started));
        continue;
      }
      const document = (await waitForDocuments(site, [result.id], { timeoutMs: 180_000, pollMs: 20, onPollError })).get(
        result.id,
      )!;
      product.set(file, await settledFile(knex, file, typeOf(file), document, (document.settledAt - started) / 1000));
    }
  });

  // Then every file at once on a fresh stack (so no embedding is cached): the throughput of a
  // bulk upload, with the worker running activities side by side. A stall is reported, not fatal.
  let bulk: { seconds: number; files: Map<string, ProductFile> } | { stalled: string };
  try {
    bulk = await withProductSite('Ingestion all at once', async (site, knex) => {
      const started = performance.now();
      const uploaded = new Map<string, string>();
      const files = new Map<string, ProductFile>();
      for (const file of allFiles) {
        const result = await uploadDocument(site, path.basename(file), new Uint8Array(readFileSync(file)));
        if (result.ok) uploaded.set(result.id, file);
        else files.set(file, refused(file, typeOf(file), result, 0));
      }
      const settled = await waitForDocuments(site, [...uploaded.keys()], {
        timeoutMs: 240_000,
        pollMs: 50,
        onPollError,
      });
      const seconds = (Math.max(...[...settled.values()].map((document) => document.settledAt)) - started) / 1000;
      for (const [id, file] of uploaded)
        files.set(file, await settledFile(knex, file, typeOf(file), settled.get(id)!, Number.NaN));
      return { seconds, files };
    });
  } catch (error) {
    bulk = { stalled: (error as Error).message };
  }

  const rows: IngestionTypeRow[] = [];
  for (const type of [...TYPES, 'all' as const]) {
    const files = type === 'all' ? [...filesByType.values()].flat() : filesByType.get(type)!;
    // Rates and ratios only over files that both the product and the raw pipeline took.
    const ok = files.filter((file) => product.get(file)?.status === 'ready' && !raw.get(file)?.error);
    const sum = (pick: (file: string) => number) => ok.reduce((total, file) => total + pick(file), 0);
    const seconds = sum((file) => product.get(file)!.seconds);
    const parseSeconds = sum((file) => raw.get(file)!.parseMs) / 1000;
    const chunkSeconds = sum((file) => raw.get(file)!.chunkMs) / 1000;
    const embedSeconds = sum((file) => raw.get(file)!.embedMs) / 1000;
    // Only PDFs have pages; a rate over other types' time would mean nothing.
    const pages = type === 'pdf' ? sum((file) => product.get(file)!.pages ?? 0) : Number.NaN;
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
  const pdf = rows.find((row) => row.type === 'pdf')!;
  if ('files' in bulk) {
    const bulkFiles = bulk.files;
    const ok = allFiles.filter((file) => bulkFiles.get(file)?.status === 'ready' && !raw.get(file)?.error);
    const sum = (pick: (file: string) => number) => ok.reduce((total, file) => total + pick(file), 0);
    const parseSeconds = sum((file) => raw.get(file)!.parseMs) / 1000;
    const chunkSeconds = sum((file) => raw.get(file)!.chunkMs) / 1000;
    const embedSeconds = sum((file) => raw.get(file)!.embedMs) / 1000;
    const chunks = sum((file) => bulkFiles.get(file)!.chunks);
    const tokens = sum((file) => bulkFiles.get(file)!.tokens);
    rows.push({
      type: 'all, at once',
      files: allFiles.length,
      failed: allFiles.length - ok.length,
      pages: Number.NaN,
      chunks,
      tokens,
      productSeconds: bulk.seconds,
      pagesPerSecond: Number.NaN,
      chunksPerSecond: rate(chunks, bulk.seconds),
      tokensPerSecond: rate(tokens, bulk.seconds),
      parseSeconds,
      chunkSeconds,
      tokenizeSeconds: sum((file) => raw.get(file)!.tokenizeMs) / 1000,
      embedSeconds,
      ratioToParseAndChunk: rate(bulk.seconds, parseSeconds + chunkSeconds),
      ratioToAllWork: rate(bulk.seconds, parseSeconds + chunkSeconds + embedSeconds),
    });
  }
  const lines = [
    'Product: upload → ready through the HTTP API, embedded mode (PGlite + pgvector, Temporal dev server, local embedder, API and worker',
    'in this process). Rows by type and "all": one file at a time, time per file = upload start to the status poll (every 20 ms) that',
    'saw it ready. "all, at once": every file uploaded together on a fresh stack, time = first upload to the last file settled.',
    'Baseline: the same files through parseDocument, then chunkSections (cl100k, 500/50 tokens), then the local embedder, one after another.',
    'Times, rates and ratios count only files that both took; pages are PDF pages.',
    '',
    formatTable(
      [
        'type',
        'files',
        'failed',
        'pages',
        'chunks',
        'tokens',
        'product s',
        'pages/s',
        'chunks/s',
        'tokens/s',
        'parse s',
        'chunk s',
        'embed s',
        '÷ (parse+chunk)',
        '÷ (parse+chunk+embed)',
      ],
      rows.map(
        (row) =>
          [
            row.type,
            row.files,
            row.failed,
            row.pages,
            row.chunks,
            row.tokens,
            row.productSeconds,
            row.pagesPerSecond,
            row.chunksPerSecond,
            row.tokensPerSecond,
            row.parseSeconds,
            row.chunkSeconds,
            row.embedSeconds,
            `${formatRatio(row.ratioToParseAndChunk)}`,
            `${formatRatio(row.ratioToAllWork)}`,
          ] as Cell[],
      ),
    ),
    '',
    '÷ columns: product time divided by the baseline time on the same files (how much the product adds around the work).',
    '',
    'Baseline alone on the same files (pages/s over PDFs only):',
    formatTable(
      ['stage', 'seconds', 'pages/s', 'chunks/s', 'tokens/s'],
      [
        [
          'parseDocument',
          all.parseSeconds,
          rate(pdf.pages, pdf.parseSeconds),
          null,
          rate(all.tokens, all.parseSeconds),
        ],
        ['countTokens (cl100k) alone', all.tokenizeSeconds, null, null, rate(all.tokens, all.tokenizeSeconds)],
        [
          'chunkSections (tokenize + pack)',
          all.chunkSeconds,
          null,
          rate(all.chunks, all.chunkSeconds),
          rate(all.tokens, all.chunkSeconds),
        ],
        [
          'local embedder',
          all.embedSeconds,
          null,
          rate(all.chunks, all.embedSeconds),
          rate(all.tokens, all.embedSeconds),
        ],
        [
          'parse + chunk',
          all.parseSeconds + all.chunkSeconds,
          rate(pdf.pages, pdf.parseSeconds + pdf.chunkSeconds),
          rate(all.chunks, all.parseSeconds + all.chunkSeconds),
          rate(all.tokens, all.parseSeconds + all.chunkSeconds),
        ],
        ['product (upload → ready)', all.productSeconds, pdf.pagesPerSecond, all.chunksPerSecond, all.tokensPerSecond],
      ],
    ),
  ];

  const problems = [...filesByType.values()].flat().flatMap((file) => {
    const fromProduct = product.get(file);
    const fromRaw = raw.get(file);
    const notes: string[] = [];
    if (fromProduct && fromProduct.status !== 'ready')
      notes.push(`product ${fromProduct.status}: ${fromProduct.error}`);
    if (fromRaw?.error)
      notes.push(fromRaw.error === fromProduct?.error ? 'raw parser: same' : `raw parser: ${fromRaw.error}`);
    return notes.length
      ? [[`${path.basename(path.dirname(file))}/${path.basename(file)}`, notes.join(' | ').slice(0, 200)] as Cell[]]
      : [];
  });
  if (problems.length) lines.push('', 'Files skipped (failed or refused):', formatTable(['file', 'why'], problems));

  const both = [...filesByType.values()]
    .flat()
    .filter((file) => product.get(file)?.status === 'ready' && !raw.get(file)?.error);
  const workSeconds = (file: string) =>
    (raw.get(file)!.parseMs + raw.get(file)!.chunkMs + raw.get(file)!.embedMs) / 1000;
  const overheads = both.map((file) => product.get(file)!.seconds - workSeconds(file));
  const perFile = [...both].sort((a, b) => product.get(b)!.seconds - product.get(a)!.seconds);
  const fileRow = (file: string): Cell[] => {
    const [rawFile, productFile] = [raw.get(file)!, product.get(file)!];
    return [
      rawFile.file,
      Math.round(rawFile.bytes / 1024),
      productFile.pages,
      productFile.chunks,
      productFile.seconds,
      rawFile.parseMs / 1000,
      rawFile.chunkMs / 1000,
      rawFile.embedMs / 1000,
      productFile.seconds - workSeconds(file),
    ];
  };
  lines.push(
    '',
    `Per document, product time minus (parse + chunk + embed) time: median ${formatCell(percentile(overheads, 50), 2)} s, p90 ${formatCell(percentile(overheads, 90), 2)} s, max ${formatCell(Math.max(...overheads), 2)} s over ${overheads.length} files.`,
    'Slowest and fastest files:',
    formatTable(
      ['file', 'KB', 'pages', 'chunks', 'product s', 'parse s', 'chunk s', 'embed s', 'overhead s'],
      [...perFile.slice(0, 5), ...perFile.slice(-3)].map(fileRow),
    ),
  );
  if ('stalled' in bulk) lines.push('', `All-at-once ingestion did not finish: ${bulk.stalled}`);
  if (pollErrors.length)
    lines.push('', `Status polls that failed with 5xx: ${pollErrors.length} (first: ${pollErrors[0]})`);
  if (temporalLog.total)
    lines.push(
      '',
      `Temporal worker warnings during the run (retried activities etc.): ${temporalLog.total}`,
      ...temporalLog.summary(),
    );

  return {
    lines,
    data: {
      byType: rows,
      allAtOnce: 'stalled' in bulk ? { stalled: bulk.stalled } : { seconds: bulk.seconds },
      overheadSecondsPerDocument: { p50: percentile(overheads, 50), p90: percentile(overheads, 90) },
      statusPollErrors: pollErrors.length,
      temporalWarnings: Object.fromEntries(temporalLog.byKind),
      files: [...filesByType.values()].flat().map((file) => ({ raw: raw.get(file), product: product.get(file) })),
    },
  };
}

async function withProductSite<T>(name: string, work: (site: BenchSite, knex: Knex) => Promise<T>): Promise<T> {
  const embedded = await startEmbeddedStack();
  try {
    return await work(await createSite(await signUp(embedded.url), { name }), embedded.stack.container.db.knex);
  } finally {
    await embedded.close();
  }
}

function refused(file: string, type: FileType, result: { status: number; message: string }, ms: number): ProductFile {
  return {
    file: path.basename(file),
    type,
    status: 'refused',
    seconds: ms / 1000,
    pages: null,
    chunks: 0,
    tokens: 0,
    error: `HTTP ${result.status}: ${result.message}`,
  };
}

async function settledFile(
  knex: Knex,
  file: string,
  type: FileType,
  document: DocumentState,
  seconds: number,
): Promise<ProductFile> {
  const [{ tokens }] = await knex('chunks')
    .where({ document_id: document.id, active: true })
    .sum({ tokens: 'token_count' });
  const ready = document.status === 'ready';
  return {
    file: path.basename(file),
    type,
    status: ready ? 'ready' : 'failed',
    seconds,
    pages: document.pageCount,
    chunks: ready ? document.chunkCount : 0,
    tokens: Number(tokens ?? 0),
    ...(!ready && { error: document.error?.message ?? 'failed' }),
  };
}

function formatRatio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(1)}×` : '–';
}
