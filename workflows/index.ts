// What the worker bundles. Workflows only orchestrate; activities do the I/O.
export { ingestDocument, progressQuery } from './ingest-document';
export { logChat, chatTurnSignal } from './log-chat';
export { crawlSource } from './crawl-source';
export { crawlProgressQuery } from './crawl-progress';
