import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { CrawlProgress } from '../../core/ports/crawl-gateway';
import { FetchRefused, safeFetch } from '../../core/net/safe-fetch';
import { countPages, removeDocuments } from '../../core/services/sources';
import { CrawlContext, heartbeatSafely, type CrawlDeps } from './context';
import { processPage, TRANSIENT_CODES, type PageRow } from './page';
import { parseSitemap } from './sitemap';
import { sameHost } from './urls';

export type { CrawlDeps } from './context';

export interface CrawlRef {
  clientId: string;
  sourceId: string;
  generation: number;
}

/** How many sitemaps of a sitemap index are read at most, and how deep indexes may nest. */
const MAX_SITEMAPS = 50;
const MAX_SITEMAP_DEPTH = 3;
/** robots.txt is small; more than this is not a robots.txt (Google reads 500 KiB). */
const ROBOTS_MAX_BYTES = 500 * 1024;

const failSource = (code: string, message: string) => ApplicationFailure.nonRetryable(message, code);

/**
 * The crawl's I/O, for workflows/crawl-source.ts. Every call carries the crawl's generation and
 * does nothing once a newer crawl (or the source's deletion) took over. Only ids and counts
 * cross into the workflow: pages go to the blob store and the database.
 */
export function createCrawlActivities(deps: CrawlDeps) {
  const { knex } = deps;

  return {
    /** Opens a new crawl generation: the source is `crawling` under this workflow. Null when the source is gone. */
    async beginCrawl({
      clientId,
      sourceId,
    }: {
      clientId: string;
      sourceId: string;
    }): Promise<{ generation: number } | null> {
      const workflowId = Context.current().info.workflowExecution?.workflowId ?? null;
      const [row] = await knex('sources')
        .where({ id: sourceId, client_id: clientId })
        .update({
          generation: knex.raw('generation + 1'),
          status: 'crawling',
          workflow_id: workflowId,
          error_code: null,
          error_message: null,
          updated_at: knex.fn.now(),
        })
        .returning(['generation']);
      return row ? { generation: Number(row.generation) } : null;
    },

    /** Reads robots.txt (RFC 9309: 4xx = no rules, 5xx = keep away) and takes the first URLs: the page, the start URL, or the sitemap's pages. */
    async prepareCrawl(ref: CrawlRef): Promise<CrawlProgress | null> {
      const ctx = await CrawlContext.load(deps, ref);
      if (!ctx) return null;
      const robotsUrl = new URL('/robots.txt', ctx.source.url).href;
      let robots = '';
      try {
        const response = await safeFetch({
          url: robotsUrl,
          policy: deps.network(),
          userAgent: deps.userAgent,
          timeoutMs: deps.timeoutMs,
          maxBytes: ROBOTS_MAX_BYTES,
          beforeRequest: () => ctx.politeWait(),
        });
        if (response.status >= 500) robots = 'User-agent: *\nDisallow: /';
        else if (response.status >= 200 && response.status < 300) robots = response.body?.toString('utf8') ?? '';
      } catch (error) {
        if (!(error instanceof FetchRefused)) throw error;
        if (error.code === 'blocked_address') throw failSource(error.code, error.message);
        if (error.code !== 'redirect_off_site' && error.code !== 'too_many_redirects')
          throw failSource('site_unreachable', `The site could not be reached: ${error.message}`);
      }
      ctx.setRobots(robots);
      await knex('sources').where({ id: ref.sourceId }).update({ robots_txt: robots });
      if (ctx.source.mode === 'sitemap') await readSitemaps(ctx);
      else await ctx.enqueue([ctx.source.url]);
      return countPages(knex, ref.sourceId, ref.generation);
    },

    /** Fetches up to `limit` pending pages, one at a time with the politeness delay; heartbeats per page. */
    async crawlBatch(
      ref: CrawlRef & { limit: number },
    ): Promise<{ progress: CrawlProgress; remaining: number } | null> {
      const ctx = await CrawlContext.load(deps, ref);
      if (!ctx) return null;
      const pages: PageRow[] = await knex('source_pages')
        .where({ source_id: ref.sourceId, seen_generation: ref.generation, state: 'pending' })
        .orderBy('seq')
        .limit(ref.limit)
        .select('id', 'url', 'document_id', 'etag', 'last_modified');
      for (const page of pages) {
        if (!(await ctx.isCurrent())) return null;
        await processPage(ctx, page);
        heartbeatSafely({ pageId: page.id });
      }
      const remaining = await knex('source_pages')
        .where({ source_id: ref.sourceId, seen_generation: ref.generation, state: 'pending' })
        .count<{ count: string }[]>({ count: '*' });
      return {
        progress: await countPages(knex, ref.sourceId, ref.generation),
        remaining: Number(remaining[0]?.count ?? 0),
      };
    },

    /**
     * Ends a crawl: documents of pages that disappeared, answered 404/410, or are now skipped
     * leave retrieval; pages that failed for a passing reason (timeout, 5xx) keep theirs. The
     * source is `ready`, or `failed` when no page could be taken.
     */
    async finishCrawl(ref: CrawlRef): Promise<CrawlProgress | null> {
      const ctx = await CrawlContext.load(deps, ref);
      if (!ctx) return null;
      const progress = await countPages(knex, ref.sourceId, ref.generation);
      const keep = knex('source_pages')
        .where({ source_id: ref.sourceId, seen_generation: ref.generation })
        .whereNotNull('document_id')
        .where((query) =>
          query
            .whereIn('state', ['ingested', 'unchanged'])
            .orWhere((failed) => failed.where({ state: 'failed' }).whereIn('reason_code', TRANSIENT_CODES)),
        )
        .select('document_id');
      const stale = await knex('documents')
        .where({ client_id: ref.clientId, source_id: ref.sourceId })
        .whereNotIn('id', keep)
        .pluck('id');
      await removeDocuments({ ...deps, workflows: deps.workflows() }, { clientId: ref.clientId, documentIds: stale });
      await knex('source_pages')
        .where({ source_id: ref.sourceId })
        .where('seen_generation', '<', ref.generation)
        .delete();
      const kept = progress.pagesIngested + progress.pagesUnchanged;
      const firstProblem =
        kept > 0
          ? undefined
          : await knex('source_pages')
              .where({ source_id: ref.sourceId, seen_generation: ref.generation })
              .whereNotNull('reason_code')
              .orderBy('seq')
              .first('url', 'reason_message');
      await knex('sources')
        .where({ id: ref.sourceId, client_id: ref.clientId, generation: ref.generation })
        .update({
          status: kept > 0 ? 'ready' : 'failed',
          page_count: kept,
          last_crawled_at: knex.fn.now(),
          error_code: kept > 0 ? null : 'no_pages',
          error_message:
            kept > 0
              ? null
              : firstProblem
                ? `No page could be read. ${firstProblem.url}: ${firstProblem.reason_message}`
                : 'No page was found at this address.',
          updated_at: knex.fn.now(),
        });
      return progress;
    },

    /** Records why a crawl stopped; the documents it already holds stay. */
    async failCrawl(ref: CrawlRef & { code: string; message: string }): Promise<void> {
      await knex('sources').where({ id: ref.sourceId, client_id: ref.clientId, generation: ref.generation }).update({
        status: 'failed',
        error_code: ref.code,
        error_message: ref.message,
        last_crawled_at: knex.fn.now(),
        updated_at: knex.fn.now(),
      });
    },
  };

  /** Sitemap mode: the sitemap (or index of sitemaps, nested up to 3 deep, 50 sitemaps) lists the pages; only those on the source's host are taken. */
  async function readSitemaps(ctx: CrawlContext): Promise<void> {
    const queue: Array<{ url: string; depth: number }> = [{ url: ctx.source.url, depth: 0 }];
    let read = 0;
    let listed = 0;
    while (queue.length > 0 && read < MAX_SITEMAPS) {
      const { url, depth } = queue.shift()!;
      if (!ctx.allows(url)) {
        if (read === 0) throw failSource('robots', "The site's robots.txt asks crawlers not to fetch this sitemap.");
        continue;
      }
      read++;
      let body: Buffer | null = null;
      try {
        const response = await safeFetch({
          url,
          policy: deps.network(),
          userAgent: deps.userAgent,
          timeoutMs: deps.timeoutMs,
          maxBytes: deps.maxBytes,
          beforeRequest: () => ctx.politeWait(),
        });
        if (response.status < 200 || response.status >= 300) {
          if (depth === 0) throw failSource('sitemap_unavailable', `The sitemap answered HTTP ${response.status}.`);
        } else if (response.tooLarge) {
          if (depth === 0) throw failSource('too_large', 'The sitemap is larger than the size limit (MAX_FILE_SIZE).');
        } else body = response.body;
      } catch (error) {
        if (!(error instanceof FetchRefused)) throw error;
        if (depth === 0) throw failSource(error.code, error.message);
      }
      if (!body) continue;
      const sitemap = parseSitemap(body, deps.maxBytes);
      if (sitemap.kind === 'invalid') {
        if (depth === 0)
          throw failSource(
            'sitemap_invalid',
            'This address is not a sitemap (XML <urlset> or <sitemapindex>). Use mode "page" or "crawl" for a web page.',
          );
        continue;
      }
      if (sitemap.kind === 'index') {
        if (depth + 1 < MAX_SITEMAP_DEPTH)
          queue.push(
            ...sitemap.sitemaps
              .filter((child) => sameHost(child, ctx.source.url))
              .map((child) => ({ url: child, depth: depth + 1 })),
          );
        continue;
      }
      listed += await ctx.enqueue(sitemap.urls.filter((page) => sameHost(page, ctx.source.url)));
      heartbeatSafely();
    }
    if (listed === 0) throw failSource('sitemap_empty', 'The sitemap lists no pages on this site.');
  }
}

export type CrawlActivities = ReturnType<typeof createCrawlActivities>;
