import { randomUUID } from 'node:crypto';
import { heartbeat } from '@temporalio/activity';
import type { Knex } from 'knex';
import robotsParser from 'robots-parser';
import type { BlobStore } from '../../core/adapters/blob-store/types';
import type { Cache } from '../../core/adapters/cache/types';
import type { VectorStore } from '../../core/adapters/vector-store/types';
import type { Logger } from '../../core/logger';
import type { NetworkPolicy } from '../../core/net/address-policy';
import type { WorkflowGateway } from '../../core/ports/workflow-gateway';
import { normalizeUrl } from './urls';

export interface CrawlDeps {
  knex: Knex;
  blobStore: BlobStore;
  vectorStore: VectorStore;
  cache: Cache;
  /** Read at call time: the gateway is connected after the worker is built. */
  workflows: () => WorkflowGateway | undefined;
  /** Read at call time, so tests can point the crawler at their own resolver. */
  network: () => NetworkPolicy;
  /** `ChatConnectBot/1.0 (+<public URL>)`. */
  userAgent: string;
  /** Pause between two requests to one host, in ms (CRAWL_DELAY_MS); robots.txt Crawl-delay wins when longer. */
  delayMs: number;
  /** One request, in ms (CRAWL_FETCH_TIMEOUT_MS). */
  timeoutMs: number;
  /** MAX_FILE_SIZE: bodies are read up to this many bytes. */
  maxBytes: number;
  logger?: Logger;
}

export interface SourceRow {
  id: string;
  client_id: string;
  url: string;
  mode: 'page' | 'sitemap' | 'crawl';
  max_pages: number;
  generation: number;
  robots_txt: string | null;
  last_fetch_at: Date | null;
}

/** The product token robots.txt groups are matched against. */
export const ROBOTS_AGENT = 'ChatConnectBot';
/** robots.txt Crawl-delay is honoured up to this many seconds (longer would stall a crawl for hours). */
const MAX_CRAWL_DELAY_SECONDS = 10;

/**
 * One source during one activity: its robots.txt rules, the politeness clock, and the frontier
 * (the source's page rows of this crawl generation).
 */
export class CrawlContext {
  private robots: ReturnType<typeof robotsParser>;
  private lastRequestAt: number;

  constructor(
    readonly deps: CrawlDeps,
    readonly source: SourceRow,
  ) {
    this.robots = robotsParser(new URL('/robots.txt', source.url).href, source.robots_txt ?? '');
    this.lastRequestAt = source.last_fetch_at ? new Date(source.last_fetch_at).getTime() : 0;
  }

  static async load(
    deps: CrawlDeps,
    { clientId, sourceId, generation }: { clientId: string; sourceId: string; generation: number },
  ): Promise<CrawlContext | null> {
    const source = await deps.knex<SourceRow>('sources').where({ id: sourceId, client_id: clientId }).first();
    if (!source || source.generation !== generation) return null;
    return new CrawlContext(deps, source);
  }

  setRobots(text: string): void {
    this.robots = robotsParser(new URL('/robots.txt', this.source.url).href, text);
  }

  /** robots.txt allows our agent to fetch this URL (a URL on another host is not ours to judge: false). */
  allows(url: string): boolean {
    return this.robots.isAllowed(url, ROBOTS_AGENT) === true;
  }

  private get delayMs(): number {
    const robotsDelay = Number(this.robots.getCrawlDelay(ROBOTS_AGENT) ?? 0);
    return Math.max(
      this.deps.delayMs,
      Math.min(Number.isFinite(robotsDelay) ? robotsDelay : 0, MAX_CRAWL_DELAY_SECONDS) * 1000,
    );
  }

  /** Waits until the host may be asked again, then records this request's time (kept across activities in the source row). */
  async politeWait(): Promise<void> {
    const wait = this.lastRequestAt + this.delayMs - Date.now();
    if (wait > 0) {
      heartbeatSafely();
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    this.lastRequestAt = Date.now();
    await this.deps
      .knex('sources')
      .where({ id: this.source.id })
      .update({ last_fetch_at: new Date(this.lastRequestAt) });
  }

  /** Whether this crawl is still the source's current one (a newer crawl or a deletion stops it). */
  async isCurrent(): Promise<boolean> {
    const row = await this.deps.knex('sources').where({ id: this.source.id }).first('generation');
    return row?.generation === this.source.generation;
  }

  /**
   * Takes URLs into this crawl, in order, up to `max_pages` pages to fetch; robots-disallowed
   * URLs are recorded as skipped (never requested) and do not count against the budget. A URL
   * already taken in this generation is left as it is; one known from an earlier crawl keeps its
   * document, ETag and Last-Modified. Returns how many were taken.
   */
  async enqueue(urls: string[]): Promise<number> {
    const { knex, source } = { knex: this.deps.knex, source: this.source };
    const unique = [...new Set(urls.map((url) => normalizeUrl(url)).filter((url): url is string => Boolean(url)))];
    if (unique.length === 0) return 0;
    const taken = new Set<string>(
      await knex('source_pages')
        .where({ source_id: source.id, seen_generation: source.generation })
        .whereIn('url', unique)
        .pluck('url'),
    );
    const counted = await knex('source_pages')
      .where({ source_id: source.id, seen_generation: source.generation })
      .whereNot({ reason_code: 'robots' })
      .count<{ count: string }[]>({ count: '*' });
    let budget = source.max_pages - Number(counted[0]?.count ?? 0);
    let added = 0;
    for (const url of unique) {
      if (taken.has(url)) continue;
      const allowed = this.allows(url);
      if (allowed && budget <= 0) continue;
      if (!allowed && added > source.max_pages * 2) continue;
      const state = allowed
        ? { state: 'pending', reason_code: null, reason_message: null }
        : {
            state: 'skipped',
            reason_code: 'robots',
            reason_message: "The site's robots.txt asks crawlers not to fetch this page, so it was not requested.",
          };
      await knex('source_pages')
        .insert({
          id: randomUUID(),
          source_id: source.id,
          client_id: source.client_id,
          url,
          seen_generation: source.generation,
          fetched: false,
          ...state,
        })
        .onConflict(['source_id', 'url'])
        .merge({
          seen_generation: source.generation,
          fetched: false,
          http_status: null,
          updated_at: knex.fn.now(),
          ...state,
        });
      if (allowed) budget--;
      added++;
    }
    return added;
  }
}

/** Heartbeats when running inside an activity (and is a no-op in plain calls, e.g. tests). */
export function heartbeatSafely(details?: unknown): void {
  try {
    heartbeat(details);
  } catch {
    // Not in an activity context.
  }
}
