/**
 * What services need from the workflow engine. core/ knows no Temporal: temporal/gateway.ts
 * implements this port and the container wires it in.
 */
export interface IngestionProgress {
  /** Where the work is; a queued document is at `parsing` 0%, a failed one stays at the stage that failed. */
  stage: 'parsing' | 'chunking' | 'embedding' | 'upserting' | 'done';
  percent: number;
  chunksDone: number;
  chunksTotal: number;
}

export interface ChatTurnLog {
  messageId: string;
  clientId: string;
  sessionId: string;
  question: string;
  answer: string;
  sources: unknown[];
  model: string;
  tokensIn: number;
  tokensOut: number;
  cachedTokens: number;
  latencyMs: number;
  status: 'ok' | 'error' | 'aborted';
  /** Drawn from the site's documents (the contract's `grounded`); absent in turns logged before it existed = true. */
  grounded?: boolean;
  /** chat_messages.reply_kind: `answer` | `declined` | `small_talk` | `written`; absent = `answer`. */
  replyKind?: 'answer' | 'declined' | 'small_talk' | 'written';
  createdAt: string;
  metadata?: Record<string, unknown> | null;
}

export interface QueueHealth {
  ok: boolean;
  taskQueue: string;
  pollers: number;
  backlog?: number;
  error?: string;
}

export interface WorkflowGateway {
  /** `filename` is the file's name or the page's URL; `siteName` labels the run for operators (Temporal Web summary). */
  startIngestion(args: {
    clientId: string;
    documentId: string;
    version: number;
    filename: string;
    siteName?: string;
  }): Promise<{ workflowId: string }>;
  cancelIngestion(documentId: string): Promise<void>;
  /** Live progress of a running ingestion, or null when none is running. */
  ingestionProgress(documentId: string): Promise<IngestionProgress | null>;
  /** Hands a finished chat turn to its logging workflow; never awaited by a chat stream. */
  logChatTurn(turn: ChatTurnLog, label?: { siteName?: string }): Promise<void>;
  health(): Promise<QueueHealth>;
  /** Waits (bounded) for hand-offs still in flight, so a shutdown loses no chat log. */
  drain(timeoutMs: number): Promise<void>;
  // Tenant loop (temporal/loop-gateway.ts): contact webhooks and deletions.
  startContactDelivery?(args: { clientId: string; contactId: string }): Promise<{ workflowId: string }>;
  startClientDeletion?(args: { clientId: string }): Promise<{ workflowId: string }>;
  startAccountDeletion?(args: { userId: string; clientIds: string[] }): Promise<{ workflowId: string }>;
  /** Cancels (or with `terminate`, terminates) every running workflow carrying the client's `ClientId`, deletions excepted. */
  cancelClientWorkflows?(args: { clientId: string; terminate?: boolean }): Promise<number>;
}

/** Retry schedule of webhook deliveries (WEBHOOK_* configuration), in milliseconds. */
export interface WebhookRetryPolicy {
  initialIntervalMs: number;
  maximumIntervalMs: number;
  giveUpAfterMs: number;
}
