/** Workflow ids operators can read in Temporal Web. */
export const ingestionWorkflowId = (documentId: string) => `ingest-${documentId}`;
/** A crawl started by hand; runs started by the re-crawl schedule carry this id plus the scheduled time. */
export const crawlWorkflowId = (sourceId: string) => `crawl-${sourceId}`;
export const crawlScheduleId = (sourceId: string) => `crawl-schedule-${sourceId}`;
export const chatLogWorkflowId = (clientId: string, sessionId: string) => `chat-log-${clientId}-${sessionId}`;

/** Search attributes registered on the dev server and set on every workflow that belongs to a tenant. */
export const SEARCH_ATTRIBUTES = { ClientId: 'Keyword', DocumentId: 'Keyword' } as const;
