import {
  ApplicationFailure,
  defineQuery,
  isCancellation,
  log,
  proxyActivities,
  setHandler,
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

export const progressQuery = defineQuery<Progress>('progress');

/** Chunks per embed/upsert activity: small enough for fine progress, large enough for few events. */
export const CHUNKS_PER_ACTIVITY = 64;

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

export async function ingestDocument(input: IngestDocumentInput): Promise<Progress> {
  const ref = { clientId: input.clientId, documentId: input.documentId, version: input.version };
  const progress: Progress = { stage: 'parsing', percent: 0, chunksDone: 0, chunksTotal: 0 };
  setHandler(progressQuery, () => progress);

  const enter = async (stage: keyof typeof SPAN) => {
    progress.stage = stage;
    progress.percent = SPAN[stage][0];
    await quick.markDocumentProcessing({ ...ref, stage, percent: progress.percent, chunksDone: progress.chunksDone, chunksTotal: progress.chunksTotal });
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
    const failureCause = cause instanceof ApplicationFailure ? cause : error instanceof ApplicationFailure ? error : undefined;
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
