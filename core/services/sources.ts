import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { z } from 'zod';
import { AppError, notFound } from '../errors';
import type { BlobStore } from '../adapters/blob-store/types';
import type { Cache } from '../adapters/cache/types';
import type { VectorStore } from '../adapters/vector-store/types';
import type { CrawlGateway, CrawlProgress, RecrawlCadence } from '../ports/crawl-gateway';
import type { WorkflowGateway } from '../ports/workflow-gateway';
import type { Logger } from '../logger';
import { assertPublicUrl, parseHttpUrl, type NetworkPolicy } from '../net/address-policy';
import { isUuid } from './clients';
import { parsedBlobKey } from './documents';
import { bumpClientGeneration } from './query-cache';

export const SOURCE_MODES = ['page', 'sitemap', 'crawl'] as const;
export type SourceMode = (typeof SOURCE_MODES)[number];
export const SOURCE_STATUSES = ['queued', 'crawling', 'ready', 'failed'] as const;
export type SourceStatus = (typeof SOURCE_STATUSES)[number];
/** The contract's page budget: 50 by default, at most 500 (more is refused with 400, not clamped: a silent cut would surprise). */
export const DEFAULT_MAX_PAGES = 50;
export const MAX_PAGES_CAP = 500;

export interface SourceView {
  id: string;
  clientId: string;
  url: string;
  mode: SourceMode;
  maxPages: number;
  recrawl: RecrawlCadence;
  status: SourceStatus;
  /** Pages whose documents the source holds after its last crawl (live while crawling). */
  pageCount: number;
  lastCrawledAt: string | null;
  workflowId: string | null;
  error: { code: string; message: string } | null;
  /** Counts of the current (or last) crawl. */
  progress: CrawlProgress;
  createdAt: string;
  updatedAt: string;
}

export interface SourcePageView {
  id: string;
  url: string;
  finalUrl: string | null;
  state: 'pending' | 'ingested' | 'unchanged' | 'skipped' | 'failed' | 'removed';
  reason: { code: string; message: string } | null;
  httpStatus: number | null;
  title: string | null;
  documentId: string | null;
  documentStatus: string | null;
  fetchedAt: string | null;
}

export interface SourceDeps {
  knex: Knex;
  blobStore: BlobStore;
  vectorStore: VectorStore;
  cache: Cache;
  network: NetworkPolicy;
  workflows?: WorkflowGateway;
  crawls?: CrawlGateway;
  logger?: Logger;
}

const createSchema = z.object({
  url: z.unknown(),
  mode: z.enum(SOURCE_MODES, { errorMap: () => ({ message: 'mode is one of page, sitemap or crawl.' }) }),
  maxPages: z
    .number({ invalid_type_error: 'maxPages must be a whole number.' })
    .int('maxPages must be a whole number.')
    .min(1, 'maxPages is at least 1.')
    .max(MAX_PAGES_CAP, `maxPages is at most ${MAX_PAGES_CAP}.`)
    .default(DEFAULT_MAX_PAGES),
  recrawl: z
    .enum(['off', 'daily', 'weekly'], { errorMap: () => ({ message: 'recrawl is one of off, daily or weekly.' }) })
    .default('off'),
});
const updateSchema = createSchema.pick({ maxPages: true, recrawl: true }).partial().strict();

const crawlsUnavailable = () =>
  new AppError({
    code: 'workflows_unavailable',
    status: 503,
    message: 'Crawling is not available right now. Try again in a minute.',
  });

interface SourceRow {
  id: string;
  client_id: string;
  url: string;
  mode: SourceMode;
  max_pages: number;
  recrawl: RecrawlCadence;
  status: SourceStatus;
  page_count: number;
  last_crawled_at: Date | null;
  workflow_id: string | null;
  error_code: string | null;
  error_message: string | null;
  generation: number;
  created_at: Date;
  updated_at: Date;
}

const iso = (value: Date | null) => (value ? new Date(value).toISOString() : null);

/** Counts of a crawl generation from its page rows (the database's view of the `progress` query). */
export async function countPages(knex: Knex, sourceId: string, generation: number): Promise<CrawlProgress> {
  const rows = (await knex('source_pages')
    .where({ source_id: sourceId, seen_generation: generation })
    .select('state', knex.raw('count(*) as count'), knex.raw('sum(case when fetched then 1 else 0 end) as fetched'))
    .groupBy('state')) as Array<{ state: string; count: string; fetched: string }>;
  const by = (state: string) => Number(rows.find((row) => row.state === state)?.count ?? 0);
  return {
    pagesFound: rows.reduce((sum, row) => sum + Number(row.count), 0),
    pagesFetched: rows.reduce((sum, row) => sum + Number(row.fetched ?? 0), 0),
    pagesIngested: by('ingested'),
    pagesSkipped: by('skipped'),
    pagesFailed: by('failed'),
    pagesUnchanged: by('unchanged'),
    pagesRemoved: by('removed'),
  };
}

async function toView(knex: Knex, row: SourceRow): Promise<SourceView> {
  const progress = await countPages(knex, row.id, row.generation);
  return {
    id: row.id,
    clientId: row.client_id,
    url: row.url,
    mode: row.mode,
    maxPages: row.max_pages,
    recrawl: row.recrawl,
    status: row.status,
    pageCount: row.status === 'crawling' ? progress.pagesIngested + progress.pagesUnchanged : row.page_count,
    lastCrawledAt: iso(row.last_crawled_at),
    workflowId: row.workflow_id,
    error: row.error_code ? { code: row.error_code, message: row.error_message ?? 'The crawl failed.' } : null,
    progress,
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
  };
}

async function loadSource(knex: Knex, clientId: string, sourceId: unknown): Promise<SourceRow> {
  if (!isUuid(sourceId)) throw notFound('source');
  const row = await knex<SourceRow>('sources').where({ id: sourceId, client_id: clientId }).first();
  if (!row) throw notFound('source');
  return row;
}

async function startCrawl(deps: SourceDeps, row: SourceRow): Promise<void> {
  if (!deps.crawls) throw crawlsUnavailable();
  try {
    const { workflowId } = await deps.crawls.startCrawl({ clientId: row.client_id, sourceId: row.id, url: row.url });
    await deps
      .knex('sources')
      .where({ id: row.id, client_id: row.client_id })
      .update({ workflow_id: workflowId, updated_at: deps.knex.fn.now() });
  } catch (error) {
    deps.logger?.error({ err: error, sourceId: row.id }, 'could not start crawl workflow');
    await deps.knex('sources').where({ id: row.id, client_id: row.client_id }).update({
      status: 'failed',
      error_code: 'workflow_start_failed',
      error_message: 'The crawl could not start. Use "Crawl again" to try again.',
      updated_at: deps.knex.fn.now(),
    });
  }
}

/**
 * Adds a website source and starts its first crawl (`crawl-<sourceId>`), plus its re-crawl
 * schedule when `recrawl` is daily or weekly. 400 for a URL that is not http(s) or that points
 * to a loopback, private, link-local or metadata address (unless ALLOW_PRIVATE_URLS), and for
 * maxPages outside 1–500.
 */
export async function createSource(
  deps: SourceDeps,
  { clientId, input }: { clientId: string; input: unknown },
): Promise<SourceView> {
  const data = createSchema.parse(input ?? {});
  const url = parseHttpUrl(data.url);
  await assertPublicUrl(url, deps.network);
  if (!deps.crawls) throw crawlsUnavailable();
  const id = randomUUID();
  await deps.knex('sources').insert({
    id,
    client_id: clientId,
    url: url.href,
    mode: data.mode,
    max_pages: data.maxPages,
    recrawl: data.recrawl,
    status: 'queued',
  });
  const row = await loadSource(deps.knex, clientId, id);
  await startCrawl(deps, row);
  if (data.recrawl !== 'off') {
    await deps.crawls
      .setRecrawlSchedule({ clientId, sourceId: id, url: row.url, recrawl: data.recrawl })
      .catch((error) => deps.logger?.error({ err: error, sourceId: id }, 'could not create re-crawl schedule'));
  }
  return getSource(deps, { clientId, sourceId: id });
}

export async function listSources(knex: Knex, { clientId }: { clientId: string }): Promise<SourceView[]> {
  const rows = await knex<SourceRow>('sources').where({ client_id: clientId }).orderBy('created_at', 'desc').limit(200);
  return Promise.all(rows.map((row) => toView(knex, row)));
}

/** A foreign or missing id is the same 404. */
export async function getSource(
  deps: Pick<SourceDeps, 'knex'>,
  { clientId, sourceId }: { clientId: string; sourceId: unknown },
): Promise<SourceView> {
  return toView(deps.knex, await loadSource(deps.knex, clientId, sourceId));
}

/** Changes the page budget or the re-crawl cadence (the schedule follows at once). */
export async function updateSource(
  deps: SourceDeps,
  { clientId, sourceId, input }: { clientId: string; sourceId: unknown; input: unknown },
): Promise<SourceView> {
  const row = await loadSource(deps.knex, clientId, sourceId);
  const data = updateSchema.parse(input ?? {});
  const patch: Record<string, unknown> = { updated_at: deps.knex.fn.now() };
  if (data.maxPages !== undefined) patch.max_pages = data.maxPages;
  if (data.recrawl !== undefined) {
    if (!deps.crawls) throw crawlsUnavailable();
    await deps.crawls.setRecrawlSchedule({ clientId, sourceId: row.id, url: row.url, recrawl: data.recrawl });
    patch.recrawl = data.recrawl;
  }
  await deps.knex('sources').where({ id: row.id, client_id: clientId }).update(patch);
  return getSource(deps, { clientId, sourceId: row.id });
}

/** "Crawl again now": starts a crawl unless one is running (then that one goes on). */
export async function recrawlSource(
  deps: SourceDeps,
  { clientId, sourceId }: { clientId: string; sourceId: unknown },
): Promise<SourceView> {
  const row = await loadSource(deps.knex, clientId, sourceId);
  if (row.status !== 'crawling') {
    await deps
      .knex('sources')
      .where({ id: row.id, client_id: clientId })
      .update({ status: 'queued', error_code: null, error_message: null, updated_at: deps.knex.fn.now() });
  }
  await startCrawl(deps, row);
  return getSource(deps, { clientId, sourceId: row.id });
}

/** The pages of the source's current (or last) crawl with their outcome, in the order they were found. */
export async function listSourcePages(
  knex: Knex,
  { clientId, sourceId }: { clientId: string; sourceId: unknown },
): Promise<SourcePageView[]> {
  const source = await loadSource(knex, clientId, sourceId);
  const rows = await knex('source_pages as p')
    .leftJoin('documents as d', 'd.id', 'p.document_id')
    .where({ 'p.source_id': source.id, 'p.client_id': clientId })
    .orderBy('p.seq')
    .limit(2000)
    .select('p.*', 'd.status as document_status');
  return rows.map((row) => ({
    id: row.id,
    url: row.url,
    finalUrl: row.final_url,
    state: row.seen_generation === source.generation ? row.state : 'pending',
    reason: row.reason_code ? { code: row.reason_code, message: row.reason_message ?? '' } : null,
    httpStatus: row.http_status,
    title: row.title,
    documentId: row.document_id,
    documentStatus: row.document_status ?? null,
    fetchedAt: iso(row.fetched_at),
  }));
}

/**
 * Takes documents out of retrieval at once (chunks inactive, rows gone, query cache bumped),
 * then clears their vectors, running ingestions and stored files. Used when a source is deleted
 * and when a crawl finds pages gone.
 */
export async function removeDocuments(
  deps: Pick<SourceDeps, 'knex' | 'blobStore' | 'vectorStore' | 'cache' | 'workflows' | 'logger'>,
  { clientId, documentIds }: { clientId: string; documentIds: string[] },
): Promise<void> {
  if (documentIds.length === 0) return;
  const rows = await deps
    .knex('documents')
    .where({ client_id: clientId })
    .whereIn('id', documentIds)
    .select('id', 'blob_key', 'version');
  const ids = rows.map((row) => row.id as string);
  await deps.knex.transaction(async (trx) => {
    await trx('chunks').where({ client_id: clientId }).whereIn('document_id', ids).update({ active: false });
    await trx('documents').where({ client_id: clientId }).whereIn('id', ids).delete();
  });
  await bumpClientGeneration(deps.cache, clientId);
  for (const row of rows) {
    await deps.workflows
      ?.cancelIngestion(row.id)
      .catch((error) => deps.logger?.warn({ err: error, documentId: row.id }, 'cancel failed'));
    await deps.vectorStore.deleteDocument({ clientId, documentId: row.id });
    await deps.blobStore.delete(row.blob_key).catch(() => undefined);
    for (let version = 1; version <= row.version; version++)
      await deps.blobStore.delete(parsedBlobKey(clientId, row.id, version)).catch(() => undefined);
  }
}

/** Deletes a source: its crawl stops, its schedule goes, its pages' documents leave retrieval at once. */
export async function deleteSource(
  deps: SourceDeps,
  { clientId, sourceId }: { clientId: string; sourceId: unknown },
): Promise<void> {
  const row = await loadSource(deps.knex, clientId, sourceId);
  // A crawl still running writes only while its generation is current: bumping it stops its writes.
  await deps
    .knex('sources')
    .where({ id: row.id, client_id: clientId })
    .update({ generation: row.generation + 1 });
  await deps.crawls
    ?.cancelCrawl({ sourceId: row.id, workflowId: row.workflow_id })
    .catch((error) => deps.logger?.warn({ err: error, sourceId: row.id }, 'crawl cancel failed'));
  await deps.crawls
    ?.setRecrawlSchedule({ clientId, sourceId: row.id, url: row.url, recrawl: 'off' })
    .catch((error) => deps.logger?.warn({ err: error, sourceId: row.id }, 'schedule delete failed'));
  const documents = await deps.knex('documents').where({ client_id: clientId, source_id: row.id }).pluck('id');
  await removeDocuments(deps, { clientId, documentIds: documents });
  await deps.knex('sources').where({ id: row.id, client_id: clientId }).delete();
  // A page a cancelled crawl was storing as the row went: nothing may outlive the source.
  const late = await deps.knex('documents').where({ client_id: clientId, source_id: row.id }).pluck('id');
  await removeDocuments(deps, { clientId, documentIds: late });
}

/**
 * Deletes every source of a site with its crawls, schedules and documents: for site deletion,
 * which must also stop schedules (they live in Temporal, not in the database).
 */
export async function deleteSourcesOfClient(deps: SourceDeps, { clientId }: { clientId: string }): Promise<void> {
  const ids = await deps.knex('sources').where({ client_id: clientId }).pluck('id');
  for (const sourceId of ids) await deleteSource(deps, { clientId, sourceId });
}

/** Whether a source exists for this client (for routes that resolve the owner first). */
export async function sourceOwner(
  knex: Knex,
  { sourceId, ownerId }: { sourceId: unknown; ownerId: string },
): Promise<string> {
  const row = isUuid(sourceId)
    ? await knex('sources as s')
        .join('clients as c', 'c.id', 's.client_id')
        .where({ 's.id': sourceId, 'c.owner_id': ownerId })
        .first('s.client_id')
    : undefined;
  if (!row) throw notFound('source');
  return row.client_id;
}
