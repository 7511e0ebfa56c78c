import { randomUUID } from 'node:crypto';
import { FetchRefused, safeFetch, type SafeResponse } from '../../core/net/safe-fetch';
import { originalBlobKey, reingestDocument, startIngestion, type DocumentDeps } from '../../core/services/documents';
import { decodeHtml, readHtmlPage, type HtmlPage } from '../parse/html';
import type { CrawlContext } from './context';
import { isHtmlType, normalizeUrl, sameHost } from './urls';

export interface PageRow {
  id: string;
  url: string;
  document_id: string | null;
  etag: string | null;
  last_modified: string | null;
}

type State = 'ingested' | 'unchanged' | 'skipped' | 'failed' | 'removed';
interface Outcome {
  state: State;
  code?: string;
  message?: string;
  fetched: boolean;
  httpStatus?: number;
  finalUrl?: string;
  title?: string;
  documentId?: string | null;
  etag?: string | null;
  lastModified?: string | null;
}

/** Failure codes that say nothing about the page itself: its document (from an earlier crawl) is kept. */
export const TRANSIENT_CODES = [
  'timeout',
  'fetch_failed',
  'dns_failed',
  'http_429',
  'http_500',
  'http_502',
  'http_503',
  'http_504',
];
/** Refusals that are the site's or our policy's choice, not a failure: the page is skipped. */
const SKIP_CODES = new Set(['robots', 'redirect_off_site']);

const MESSAGES: Record<string, string> = {
  not_html: 'Not a web page: only HTML pages are read.',
  too_large: 'The page is larger than the size limit (MAX_FILE_SIZE), so it was not read.',
  noindex: 'The page asks search engines and crawlers not to index it (robots "noindex").',
  no_text: 'The page has no readable text (it may be built by scripts or consist of images only).',
  duplicate: 'Same page as another address of this site (its canonical URL), so it is kept once.',
};

/**
 * Fetches one page of the frontier and records its outcome: robots.txt first (a disallowed URL
 * is never requested, nor is a redirect to one), a conditional GET when the page has a document
 * (304 = unchanged), same-host redirects (the final URL names the document), HTML only, the
 * size cap, main-text extraction, de-duplication by canonical URL, and a content hash so an
 * unchanged page keeps its document without re-ingestion. New pages become documents with
 * their own `ingest-<documentId>` workflow; changed ones are re-ingested as a new version.
 */
export async function processPage(ctx: CrawlContext, page: PageRow): Promise<Outcome> {
  const outcome = await fetchAndRead(ctx, page);
  await ctx.deps
    .knex('source_pages')
    .where({ id: page.id })
    .update({
      state: outcome.state,
      fetched: outcome.fetched,
      reason_code: outcome.code ?? null,
      reason_message: outcome.code ? (outcome.message ?? MESSAGES[outcome.code] ?? null) : null,
      http_status: outcome.httpStatus ?? null,
      final_url: outcome.finalUrl ?? null,
      title: outcome.title ?? null,
      ...(outcome.documentId !== undefined ? { document_id: outcome.documentId } : {}),
      ...(outcome.etag !== undefined ? { etag: outcome.etag, last_modified: outcome.lastModified ?? null } : {}),
      fetched_at: outcome.fetched ? ctx.deps.knex.fn.now() : null,
      updated_at: ctx.deps.knex.fn.now(),
    });
  return outcome;
}

async function fetchAndRead(ctx: CrawlContext, page: PageRow): Promise<Outcome> {
  const { deps, source } = ctx;
  if (!ctx.allows(page.url))
    return {
      state: 'skipped',
      code: 'robots',
      message: "The site's robots.txt asks crawlers not to fetch this page, so it was not requested.",
      fetched: false,
    };
  const existing = page.document_id
    ? await deps.knex('documents').where({ id: page.document_id, client_id: source.client_id }).first()
    : undefined;
  const conditional: Record<string, string> = {};
  if (existing && existing.status !== 'failed') {
    if (page.etag) conditional['if-none-match'] = page.etag;
    if (page.last_modified) conditional['if-modified-since'] = page.last_modified;
  }
  let fetched = false;
  let response: SafeResponse;
  try {
    response = await safeFetch({
      url: page.url,
      policy: deps.network(),
      userAgent: deps.userAgent,
      headers: conditional,
      timeoutMs: deps.timeoutMs,
      maxBytes: deps.maxBytes,
      beforeRequest: async (hop) => {
        if (!ctx.allows(hop.href))
          throw new FetchRefused(
            'robots',
            `The page redirects to ${hop.pathname}, which the site's robots.txt asks crawlers not to fetch.`,
            hop.href,
          );
        await ctx.politeWait();
        fetched = true;
      },
      readBody: (status, headers) => status >= 200 && status < 300 && isHtmlType(headers['content-type']),
    });
  } catch (error) {
    if (!(error instanceof FetchRefused)) throw error;
    return {
      state: SKIP_CODES.has(error.code) ? 'skipped' : 'failed',
      code: error.code,
      message: error.message,
      fetched,
    };
  }
  const base = { fetched, httpStatus: response.status, finalUrl: response.url };
  if (response.status === 304 && existing) {
    const html = (await deps.blobStore.get(existing.blob_key).catch(() => null))?.toString('utf8');
    if (html) await follow(ctx, readHtmlPage({ html, url: existing.filename }), response);
    return { ...base, state: 'unchanged', documentId: existing.id, title: existing.title ?? undefined };
  }
  if (response.status === 404 || response.status === 410) {
    return {
      ...base,
      state: existing ? 'removed' : 'failed',
      code: response.status === 410 ? 'gone' : 'not_found',
      message: `The page answered HTTP ${response.status}: it no longer exists.`,
    };
  }
  if (response.status < 200 || response.status >= 300)
    return {
      ...base,
      state: 'failed',
      code: `http_${response.status}`,
      message: `The page answered HTTP ${response.status}.`,
    };
  const contentType = response.headers['content-type'] ?? '';
  if (!isHtmlType(contentType))
    return {
      ...base,
      state: 'skipped',
      code: 'not_html',
      message: `Not a web page (${contentType.split(';')[0] || 'no content type'}): only HTML pages are read.`,
    };
  if (response.tooLarge || !response.body) return { ...base, state: 'skipped', code: 'too_large' };

  const html = decodeHtml(response.body, contentType);
  const read = readHtmlPage({ html, url: response.url });
  const robotsHeader = (response.headers['x-robots-tag'] ?? '').toLowerCase();
  await follow(ctx, read, response);
  if (read.noindex || /\b(noindex|none)\b/.test(robotsHeader))
    return { ...base, state: 'skipped', code: 'noindex', title: read.title };
  if (read.sections.length === 0) return { ...base, state: 'skipped', code: 'no_text', title: read.title };

  const canonical =
    read.canonicalUrl && sameHost(read.canonicalUrl, source.url) ? normalizeUrl(read.canonicalUrl) : null;
  const key = canonical ?? normalizeUrl(response.url) ?? response.url;
  const validators = { etag: response.headers.etag ?? null, lastModified: response.headers['last-modified'] ?? null };
  const document = await deps
    .knex('documents')
    .where({ client_id: source.client_id, source_id: source.id, canonical_url: key })
    .first();
  if (document) {
    const claimedBy = await deps
      .knex('source_pages')
      .where({ source_id: source.id, seen_generation: source.generation, document_id: document.id })
      .whereIn('state', ['ingested', 'unchanged'])
      .whereNot({ id: page.id })
      .first('url');
    if (claimedBy)
      return {
        ...base,
        state: 'skipped',
        code: 'duplicate',
        message: `Same page as ${claimedBy.url} (canonical ${key}), so it is kept once.`,
        title: read.title,
      };
    // Unchanged only if its ingestion is underway or done: a page whose ingestion never started
    // (workflows unreachable on an earlier attempt) is started again rather than reported as fine.
    const ingestionStarted =
      document.status === 'ready' || document.status === 'processing' || Boolean(document.workflow_id);
    if (document.content_hash === read.contentHash && document.status !== 'failed' && ingestionStarted) {
      return { ...base, state: 'unchanged', documentId: document.id, title: read.title, ...validators };
    }
  }
  const documentId = await storePage(ctx, { documentId: document?.id, html, read, key, finalUrl: response.url });
  return { ...base, state: 'ingested', documentId, title: read.title, ...validators };
}

/** Crawl mode: same-host links of the page join the frontier (unless the page says nofollow). */
async function follow(ctx: CrawlContext, read: HtmlPage, response: SafeResponse): Promise<void> {
  if (
    ctx.source.mode !== 'crawl' ||
    read.nofollow ||
    /\b(nofollow|none)\b/i.test(response.headers['x-robots-tag'] ?? '')
  )
    return;
  await ctx.enqueue(read.links.filter((link) => sameHost(link, ctx.source.url)));
}

/** Stores the page (as UTF-8 HTML) and starts its ingestion: a new document, or a new version of the one it had. */
async function storePage(
  ctx: CrawlContext,
  {
    documentId,
    html,
    read,
    key,
    finalUrl,
  }: { documentId?: string; html: string; read: HtmlPage; key: string; finalUrl: string },
): Promise<string> {
  const { deps, source } = ctx;
  const documentDeps: DocumentDeps = {
    knex: deps.knex,
    blobStore: deps.blobStore,
    vectorStore: deps.vectorStore,
    cache: deps.cache,
    workflows: deps.workflows(),
    logger: deps.logger,
  };
  const id = documentId ?? randomUUID();
  const blobKey = originalBlobKey(source.client_id, id);
  const bytes = Buffer.from(html, 'utf8');
  await deps.blobStore.put(blobKey, bytes);
  const fields = {
    filename: finalUrl.slice(0, 2048),
    title: read.title.slice(0, 500) || null,
    size_bytes: bytes.byteLength,
    content_hash: read.contentHash,
    updated_at: deps.knex.fn.now(),
  };
  if (documentId) {
    await deps.knex('documents').where({ id, client_id: source.client_id }).update(fields);
    await reingestDocument(documentDeps, { clientId: source.client_id, documentId: id });
    return id;
  }
  await deps.knex('documents').insert({
    id,
    client_id: source.client_id,
    source_id: source.id,
    canonical_url: key,
    file_type: 'html',
    blob_key: blobKey,
    status: 'queued',
    stage: 'parsing',
    version: 1,
    ...fields,
  });
  await startIngestion(documentDeps, {
    clientId: source.client_id,
    documentId: id,
    version: 1,
    filename: fields.filename,
  });
  return id;
}
