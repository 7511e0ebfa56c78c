import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { validate as isUuid } from 'uuid';
import type { WebhookRetryPolicy, WorkflowGateway } from '../core/ports/workflow-gateway';
import { ClientIdKey } from './gateway';
import { WORKFLOW_TYPES, type deleteAccount, type deleteClient, type deliverContactWebhook } from './names';
import { accountDeletionWorkflowId, clientDeletionWorkflowId, contactWebhookWorkflowId } from './task-queues';

type LoopGateway = Required<
  Pick<
    WorkflowGateway,
    'startContactDelivery' | 'startClientDeletion' | 'startAccountDeletion' | 'cancelClientWorkflows'
  >
>;

const isDeletion = (workflowId: string) =>
  workflowId.startsWith('delete-client-') || workflowId.startsWith('delete-account-');

/**
 * The workflow port's tenant-loop half: `webhook-<contactId>` deliveries, `delete-client-<clientId>`
 * and `delete-account-<userId>` purges, all carrying `ClientId` where they belong to one site.
 */
export function createLoopGateway({
  client,
  taskQueue,
  webhookRetry,
}: {
  client: Client;
  taskQueue: string;
  webhookRetry: WebhookRetryPolicy;
}): LoopGateway {
  return {
    async startContactDelivery({ clientId, contactId }) {
      const workflowId = contactWebhookWorkflowId(contactId);
      await client.workflow.start<typeof deliverContactWebhook>(WORKFLOW_TYPES.deliverContactWebhook, {
        taskQueue,
        workflowId,
        args: [{ clientId, contactId, retry: webhookRetry }],
        typedSearchAttributes: [{ key: ClientIdKey, value: clientId }],
        staticSummary: `Deliver contact ${contactId} to the site's webhook`,
      });
      return { workflowId };
    },

    async startClientDeletion({ clientId }) {
      const workflowId = clientDeletionWorkflowId(clientId);
      await client.workflow.start<typeof deleteClient>(WORKFLOW_TYPES.deleteClient, {
        taskQueue,
        workflowId,
        args: [{ clientId }],
        workflowIdConflictPolicy: 'USE_EXISTING',
        typedSearchAttributes: [{ key: ClientIdKey, value: clientId }],
        staticSummary: `Delete site ${clientId} and all its data`,
      });
      return { workflowId };
    },

    async startAccountDeletion({ userId, clientIds }) {
      const workflowId = accountDeletionWorkflowId(userId);
      await client.workflow.start<typeof deleteAccount>(WORKFLOW_TYPES.deleteAccount, {
        taskQueue,
        workflowId,
        args: [{ userId, clientIds }],
        workflowIdConflictPolicy: 'USE_EXISTING',
        staticSummary: `Delete account ${userId} and its ${clientIds.length} site(s)`,
      });
      return { workflowId };
    },

    cancelClientWorkflows: (args) => cancelClientWorkflowsWith(client, args),
  };
}

/** Cancels (or terminates) every running workflow carrying the client's `ClientId`, deletions excepted; returns how many. */
export async function cancelClientWorkflowsWith(
  client: Client,
  { clientId, terminate = false }: { clientId: string; terminate?: boolean },
): Promise<number> {
  // clientId is a UUID (checked by every caller), so it is safe inside the visibility query.
  if (!isUuid(clientId)) throw new Error('cancelClientWorkflows needs a UUID');
  let count = 0;
  for await (const execution of client.workflow.list({
    query: `ClientId = '${clientId}' AND ExecutionStatus = 'Running'`,
  })) {
    if (isDeletion(execution.workflowId)) continue;
    const handle = client.workflow.getHandle(execution.workflowId, execution.runId);
    try {
      if (terminate) await handle.terminate('the site was deleted');
      else await handle.cancel();
      count++;
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
  }
  return count;
}
