/**
 * The one module of Temporal names that client code (the gateways) uses: workflow types checked
 * against the workflow functions themselves, and the shared query/signal definitions the workflows
 * set handlers for. Workflow *types* stay the function names: running workflows, schedules and the
 * replay test depend on them, so renaming a workflow function fails the `satisfies` check below.
 *
 * The workflow functions are imported as types only: the API process never loads workflow code for
 * a name (a bundler may rename functions, so `fn.name` is not a safe workflow type).
 */
import type * as Workflows from '../workflows';

export type {
  ingestDocument,
  logChat,
  deliverContactWebhook,
  deleteClient,
  deleteAccount,
  crawlSource,
} from '../workflows';

// The definitions the workflows register (defined beside each workflow, imported here by the clients).
export { progressQuery as ingestionProgressQuery } from '../workflows/ingest-document';
export { chatTurnSignal } from '../workflows/log-chat';
export { crawlProgressQuery } from '../workflows/crawl-progress';

type WorkflowFunctionName = {
  [K in keyof typeof Workflows]: (typeof Workflows)[K] extends (...args: any[]) => Promise<unknown> ? K : never;
}[keyof typeof Workflows];

/** Workflow type names, each equal to its workflow function's name (checked at compile time). */
export const WORKFLOW_TYPES = {
  ingestDocument: 'ingestDocument',
  logChat: 'logChat',
  deliverContactWebhook: 'deliverContactWebhook',
  deleteClient: 'deleteClient',
  deleteAccount: 'deleteAccount',
  crawlSource: 'crawlSource',
} as const satisfies { [K in WorkflowFunctionName]: K };
