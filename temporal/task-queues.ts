/** Workflow ids operators can read in Temporal Web. */
export const ingestionWorkflowId = (documentId: string) => `ingest-${documentId}`;
export const chatLogWorkflowId = (clientId: string, sessionId: string) => `chat-log-${clientId}-${sessionId}`;

/** Search attributes registered on the dev server and set on every workflow that belongs to a tenant. */
export const SEARCH_ATTRIBUTES = { ClientId: 'Keyword', DocumentId: 'Keyword' } as const;
export const contactWebhookWorkflowId = (contactId: string) => `webhook-${contactId}`;
export const clientDeletionWorkflowId = (clientId: string) => `delete-client-${clientId}`;
export const accountDeletionWorkflowId = (userId: string) => `delete-account-${userId}`;
