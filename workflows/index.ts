// What the worker bundles. Workflows only orchestrate; activities do the I/O.
export { ingestDocument, progressQuery } from './ingest-document';
export { logChat, chatTurnSignal } from './log-chat';
export { deliverContactWebhook } from './deliver-webhook';
export { deleteClient, deleteAccount } from './delete-client';
export { crawlSource } from './crawl-source';
export { crawlProgressQuery } from './crawl-progress';
