/**
 * What the sources service needs from the workflow engine for crawls. core/ knows no Temporal:
 * temporal/crawl-gateway.ts implements this port and the runtime wires it into the container.
 */

/** Live counts of one crawl (the crawl workflow's `progress` query; also kept in the database per page). */
export interface CrawlProgress {
  /** URLs taken into the crawl: the page, the sitemap's entries, or links found on the same host (robots-disallowed ones included). */
  pagesFound: number;
  /** URLs actually requested (robots-disallowed ones never are). */
  pagesFetched: number;
  /** Pages handed to ingestion this crawl (new or changed). */
  pagesIngested: number;
  /** Pages left out on purpose: robots.txt, not HTML, too large, duplicate, no text, noindex, off-site redirect. */
  pagesSkipped: number;
  /** Pages that could not be read: timeout, network or HTTP error, refused address. */
  pagesFailed: number;
  /** Pages whose text did not change since the last crawl (kept, not re-ingested). */
  pagesUnchanged: number;
  /** Pages that answered 404/410 (their documents are removed). */
  pagesRemoved: number;
}

export type RecrawlCadence = 'off' | 'daily' | 'weekly';

export interface CrawlGateway {
  /** Starts `crawl-<sourceId>`; when one is already running, that run is kept and its id returned. */
  startCrawl(args: { clientId: string; sourceId: string; url: string }): Promise<{ workflowId: string }>;
  /** Cancels a running crawl of the source (manual or scheduled); no-op when none runs. */
  cancelCrawl(args: { sourceId: string; workflowId: string | null }): Promise<void>;
  /** Live progress of a running crawl, or null. */
  crawlProgress(workflowId: string): Promise<CrawlProgress | null>;
  /** Creates, updates or (for `off`) deletes the source's re-crawl schedule. */
  setRecrawlSchedule(args: { clientId: string; sourceId: string; url: string; recrawl: RecrawlCadence }): Promise<void>;
  /** The schedule's interval in seconds, or null when there is none (for operators and tests). */
  describeRecrawlSchedule(sourceId: string): Promise<{ intervalSeconds: number } | null>;
}
