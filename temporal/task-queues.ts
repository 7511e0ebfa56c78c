/** Workflow ids operators can read in Temporal Web. */
export const ingestionWorkflowId = (documentId: string) => `ingest-${documentId}`;
export const chatLogWorkflowId = (clientId: string, sessionId: string) => `chat-log-${clientId}-${sessionId}`;

/**
 * Search attributes registered on the dev server: ClientId/DocumentId are set on every workflow
 * that belongs to a tenant; IngestOutcome is set to `user_error` by an ingestion that ended on a
 * file the tenant must fix (the workflow completes; only system failures are Failed).
 */
export const SEARCH_ATTRIBUTES = { ClientId: 'Keyword', DocumentId: 'Keyword', IngestOutcome: 'Keyword' } as const;
export const contactWebhookWorkflowId = (contactId: string) => `webhook-${contactId}`;
export const clientDeletionWorkflowId = (clientId: string) => `delete-client-${clientId}`;
export const accountDeletionWorkflowId = (userId: string) => `delete-account-${userId}`;
