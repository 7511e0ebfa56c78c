import {
  ApplicationFailure,
  ContinueAsNew,
  continueAsNew,
  isCancellation,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { CrawlActivities } from '../activities/crawl';
import { crawlProgressQuery, emptyCrawlProgress, type CrawlProgress } from './crawl-progress';

export interface CrawlSourceInput {
  clientId: string;
  sourceId: string;
  /** Set when a long crawl continues as new: the generation it works on and its counts so far. */
  generation?: number;
  progress?: CrawlProgress;
}

/** Pages per crawlBatch activity: few events per crawl, yet progress moves and a retry redoes little. */
export const PAGES_PER_BATCH = 10;
/** Batches per run before continuing as new (history stays small even for 500 pages). */
const BATCHES_PER_RUN = 40;

const quick = proxyActivities<CrawlActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 10 },
});
// Fetching waits politely between requests and heartbeats per page; a killed worker's batch is retried elsewhere.
const fetching = proxyActivities<CrawlActivities>({
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});

/**
 * `crawl-<sourceId>`: one crawl of a website source. Orchestration only: the activities fetch,
 * extract, store and start each page's `ingest-<documentId>`; only ids and counts pass through
 * here. The `progress` query answers the counts. A newer crawl of the same source (or its
 * deletion) supersedes this one: its activities then answer null and the run ends quietly.
 */
export async function crawlSource(input: CrawlSourceInput): Promise<CrawlProgress> {
  const { clientId, sourceId } = input;
  const progress: CrawlProgress = input.progress ?? emptyCrawlProgress();
  setHandler(crawlProgressQuery, () => progress);
  let generation = input.generation;
  try {
    if (generation === undefined) {
      const begun = await quick.beginCrawl({ clientId, sourceId });
      if (!begun) return progress;
      generation = begun.generation;
      const seeded = await fetching.prepareCrawl({ clientId, sourceId, generation });
      if (!seeded) return progress;
      Object.assign(progress, seeded);
    }
    for (let batches = 0; ; batches++) {
      const batch = await fetching.crawlBatch({ clientId, sourceId, generation, limit: PAGES_PER_BATCH });
      if (!batch) return progress;
      Object.assign(progress, batch.progress);
      if (batch.remaining === 0) break;
      if (batches + 1 >= BATCHES_PER_RUN || workflowInfo().continueAsNewSuggested) {
        await continueAsNew<typeof crawlSource>({ clientId, sourceId, generation, progress });
      }
    }
    const finished = await quick.finishCrawl({ clientId, sourceId, generation });
    if (finished) Object.assign(progress, finished);
    return progress;
  } catch (error) {
    if (isCancellation(error) || error instanceof ContinueAsNew || generation === undefined) throw error;
    const cause = (error as { cause?: unknown }).cause;
    const failure =
      cause instanceof ApplicationFailure ? cause : error instanceof ApplicationFailure ? error : undefined;
    const userFacing = failure?.nonRetryable === true;
    const code = userFacing ? (failure?.type ?? 'crawl_failed') : 'crawl_failed';
    const message = userFacing
      ? failure!.message
      : 'The crawl failed after several attempts. Use "Crawl again" to try again; if it keeps failing, contact support.';
    log.warn('crawl failed', { sourceId, code });
    await quick.failCrawl({ clientId, sourceId, generation, code, message });
    throw ApplicationFailure.nonRetryable(message, code);
  }
}
