import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { executeChild, proxyActivities, sleep } from '@temporalio/workflow';
import type { LoopActivities } from '../activities/loop';

// Purges retry until they land (a database outage delays a deletion, never half-does it).
const { cancelClientWorkflows, purgeClientFiles, purgeClientSources, purgeClientRows, purgeUser } =
  proxyActivities<LoopActivities>({
    startToCloseTimeout: '10 minutes',
    heartbeatTimeout: '1 minute',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
  });

const CANCEL_GRACE = '5 seconds';

/**
 * `delete-client-<clientId>` (started after the site was marked deleted): cancels its running
 * workflows (ingestions, chat logs, webhook deliveries), removes vectors and stored files, its
 * website sources, then its rows; finally terminates anything of it still running.
 */
export async function deleteClient({ clientId }: { clientId: string }): Promise<void> {
  await cancelClientWorkflows({ clientId, terminate: false });
  // A cancelled ingestion's activity learns of it at its next heartbeat; until then it may still
  // write vectors. Waiting a little, then terminating what is left, keeps them from outliving the purge.
  await sleep(CANCEL_GRACE);
  await cancelClientWorkflows({ clientId, terminate: true });
  await purgeClientFiles({ clientId });
  await purgeClientSources({ clientId });
  await purgeClientRows({ clientId });
  await cancelClientWorkflows({ clientId, terminate: true });
}

/** `delete-account-<userId>`: each site as its own `delete-client-<clientId>` child, then the user row. */
export async function deleteAccount({ userId, clientIds }: { userId: string; clientIds: string[] }): Promise<void> {
  for (const clientId of clientIds) {
    try {
      await executeChild(deleteClient, { workflowId: `delete-client-${clientId}`, args: [{ clientId }] });
    } catch (error) {
      // A site deleted just before the account has its own purge running; purgeUser waits for it.
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  }
  await purgeUser({ userId });
}
