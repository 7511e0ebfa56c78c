import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import {
  ApplicationFailure,
  defineQuery,
  isCancellation,
  log,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { IngestionActivities } from '../activities/ingestion';

export interface IngestDocumentInput {
  clientId: string;
  documentId: string;
  version: number;
}

export interface Progress {
  stage: 'parsing' | 'chunking' | 'embedding' | 'upserting' | 'done';
  percent: number;
  chunksDone: number;
  chunksTotal: number;
}

/**
 * How a run ended, as its workflow result. A failure the tenant can fix (unreadable, encrypted,
 * empty, too complex: the activity's non-retryable failures) completes the workflow with
 * `user_error`, so only system failures show as failed workflows in Temporal Web; the document
 * row is `failed` with the same code and message either way.
 */
export type IngestResult =
  ({ outcome: 'ready' } & Progress) | { outcome: 'user_error'; code: string; message: string } | { outcome: 'deleted' };

export const progressQuery = defineQuery<Progress>('progress');

/** Chunks per embed/upsert activity of runs started before the `coarse-ingestion` patch. */
export const CHUNKS_PER_ACTIVITY = 64;
/**
 * Chunks per embed-and-store activity: one activity round trip (~4 history events) per 128 chunks,
 * a progress step per range, and a retry redoes at most one embedder batch (the heartbeat cursor).
 */
export const CHUNKS_PER_EMBED_ACTIVITY = 128;
/** `temporal workflow list --query "IngestOutcome='user_error'"` lists runs that ended on a file the tenant must fix. */
export const IngestOutcomeKey = defineSearchAttributeKey('IngestOutcome', SearchAttributeType.KEYWORD);
/** Patch id: prepare (parse + chunk) and embed-and-store activities, user errors as results. */
export const COARSE_INGESTION_PATCH = 'coarse-ingestion';

const quick = proxyActivities<IngestionActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 10 },
});
// A parser that hangs is stopped inside the activity (worker thread with a deadline); the
// timeout here is the outer wall. User-caused failures are non-retryable.
const parsing = proxyActivities<IngestionActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 3 },
});
const embedding = proxyActivities<IngestionActivities>({
  startToCloseTimeout: '10 minutes',
  // A killed worker's activity is retried on another after this long without a heartbeat.
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 8 },
});

// Share of the bar each stage fills, so the percent moves steadily on long documents.
const SPAN = { parsing: [0, 10], chunking: [10, 15], embedding: [15, 85], upserting: [85, 99] } as const;

/**
 * One document version: prepare (parse + chunk) → embed into the vector store in ranges of
 * CHUNKS_PER_EMBED_ACTIVITY chunks → activate. Result: IngestResult (`ready` with the final
 * progress, `user_error` with the code and message the document row also shows, or `deleted`);
 * system failures fail the workflow after the activities' retries. Runs started before the
 * `coarse-ingestion` patch keep their old command sequence and return Progress.
 */
export async function ingestDocument(input: IngestDocumentInput): Promise<IngestResult | Progress> {
  if (patched(COARSE_INGESTION_PATCH)) return ingestCoarse(input);
  return ingestLegacy(input);
}

/** Parse + chunk in one activity, embed straight into the vector store in ranges, activate. */
async function ingestCoarse(input: IngestDocumentInput): Promise<IngestResult> {
  const ref = { clientId: input.clientId, documentId: input.documentId, version: input.version };
  const progress: Progress = { stage: 'parsing', percent: 0, chunksDone: 0, chunksTotal: 0 };
  setHandler(progressQuery, () => progress);
  try {
    const { chunksTotal } = await parsing.prepareDocument(ref);
    Object.assign(progress, { stage: 'embedding', percent: SPAN.embedding[0], chunksTotal });
    const [from, to] = [SPAN.embedding[0], SPAN.upserting[1]];
    for (let start = 0; start < chunksTotal; start += CHUNKS_PER_EMBED_ACTIVITY) {
      const end = Math.min(start + CHUNKS_PER_EMBED_ACTIVITY, chunksTotal);
      await embedding.embedAndStoreChunks({ ...ref, from: start, to: end });
      progress.chunksDone = end;
      progress.percent = Math.floor(from + ((to - from) * end) / chunksTotal);
    }
    await quick.activateDocument({ ...ref, chunksTotal });
    Object.assign(progress, { stage: 'done', percent: 100, chunksDone: chunksTotal });
    return { outcome: 'ready', ...progress };
  } catch (error) {
    if (isCancellation(error)) throw error;
    const failureCause = applicationFailureOf(error);
    if (failureCause?.type === 'document_deleted') return { outcome: 'deleted' };
    const { userError, code, message } = describeFailure(failureCause);
    // A user error was logged once already, as one line, by the activity that met it.
    if (!userError) log.warn('ingestion failed', { documentId: input.documentId, code });
    await quick.failDocument({ ...ref, code, message });
    if (userError) {
      // After failDocument: on a server without this attribute registered the document is still marked failed.
      upsertSearchAttributes([{ key: IngestOutcomeKey, value: 'user_error' }]);
      return { outcome: 'user_error', code, message };
    }
    throw ApplicationFailure.nonRetryable(message, code);
  }
}

function applicationFailureOf(error: unknown): ApplicationFailure | undefined {
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof ApplicationFailure ? cause : error instanceof ApplicationFailure ? error : undefined;
}

/** A non-retryable activity failure is one the tenant can fix, with a message written for them. */
function describeFailure(failureCause: ApplicationFailure | undefined): {
  userError: boolean;
  code: string;
  message: string;
} {
  if (failureCause?.nonRetryable === true) {
    return { userError: true, code: failureCause.type ?? 'processing_failed', message: failureCause.message };
  }
  return {
    userError: false,
    code: 'processing_failed',
    message:
      'Processing failed after several attempts. Use "Retry" to try again; if it keeps failing, contact support.',
  };
}

/** The command sequence of runs started before the `coarse-ingestion` patch, kept for their replay. */
async function ingestLegacy(input: IngestDocumentInput): Promise<Progress> {
  const ref = { clientId: input.clientId, documentId: input.documentId, version: input.version };
  const progress: Progress = { stage: 'parsing', percent: 0, chunksDone: 0, chunksTotal: 0 };
  setHandler(progressQuery, () => progress);

  const enter = async (stage: keyof typeof SPAN) => {
    progress.stage = stage;
    progress.percent = SPAN[stage][0];
    await quick.markDocumentProcessing({
      ...ref,
      stage,
      percent: progress.percent,
      chunksDone: progress.chunksDone,
      chunksTotal: progress.chunksTotal,
    });
  };
  const advance = (stage: 'embedding' | 'upserting', done: number) => {
    const [from, to] = SPAN[stage];
    progress.chunksDone = done;
    progress.percent = Math.floor(from + ((to - from) * done) / Math.max(progress.chunksTotal, 1));
  };

  try {
    await enter('parsing');
    await parsing.parseDocument(ref);

    await enter('chunking');
    const { chunksTotal } = await parsing.chunkDocument(ref);
    progress.chunksTotal = chunksTotal;

    await enter('embedding');
    for (let from = 0; from < chunksTotal; from += CHUNKS_PER_ACTIVITY) {
      const to = Math.min(from + CHUNKS_PER_ACTIVITY, chunksTotal);
      await embedding.embedChunks({ ...ref, from, to });
      advance('embedding', to);
    }

    progress.chunksDone = 0;
    await enter('upserting');
    for (let from = 0; from < chunksTotal; from += CHUNKS_PER_ACTIVITY) {
      const to = Math.min(from + CHUNKS_PER_ACTIVITY, chunksTotal);
      await embedding.upsertChunks({ ...ref, from, to });
      advance('upserting', to);
    }

    await quick.activateDocument({ ...ref, chunksTotal });
    Object.assign(progress, { stage: 'done', percent: 100, chunksDone: chunksTotal });
    return progress;
  } catch (error) {
    // Deleting the document cancels this workflow: its data is already gone, nothing to record.
    if (isCancellation(error)) throw error;
    const cause = (error as { cause?: unknown }).cause;
    const failureCause =
      cause instanceof ApplicationFailure ? cause : error instanceof ApplicationFailure ? error : undefined;
    if (failureCause?.type === 'document_deleted') throw error;
    const userFacing = failureCause?.nonRetryable === true;
    const code = userFacing ? (failureCause?.type ?? 'processing_failed') : 'processing_failed';
    const message = userFacing
      ? failureCause!.message
      : 'Processing failed after several attempts. Use "Retry" to try again; if it keeps failing, contact support.';
    log.warn('ingestion failed', { documentId: input.documentId, code });
    await quick.failDocument({ ...ref, code, message });
    throw ApplicationFailure.nonRetryable(message, code);
  }
}
