import { ApplicationFailure, heartbeat } from '@temporalio/activity';
import type { Container } from '../core/container';
import { deliverContact, markDeliveryAbandoned } from '../core/services/contacts';
import { purgeClientFiles, purgeClientRows, purgeClientSources, purgeUser } from '../core/services/deletion';
import { deleteSourcesOfClient } from '../core/services/sources';

/** Retried by Temporal: the process's gateways connect in the background when Temporal was not reachable at start. */
const gatewayNotConnected = () =>
  ApplicationFailure.retryable('The workflow gateway is not connected yet.', 'GatewayNotConnected');

/** Activities of contact webhooks and deletions: plain functions over core/services. */
export function createLoopActivities(container: Container) {
  const { knex } = container.db;
  const deps = () => ({
    knex,
    cache: container.cache,
    blobStore: container.blobStore,
    vectorStore: container.vectorStore,
  });
  return {
    /** One POST; throws a retryable failure on a non-2xx or network error, a non-retryable one for a refused address. */
    async deliverContactAttempt({ contactId }: { contactId: string }): Promise<'delivered' | 'gone'> {
      const result = await deliverContact(knex, { contactId, allowPrivateUrls: container.config.ALLOW_PRIVATE_URLS });
      if (result.outcome !== 'failed') return result.outcome;
      if (!result.retryable) throw ApplicationFailure.nonRetryable(result.error, 'WebhookRefused');
      throw ApplicationFailure.retryable(result.error, 'WebhookFailed');
    },
    async markContactUndelivered({ contactId, reason }: { contactId: string; reason: string }): Promise<void> {
      await markDeliveryAbandoned(knex, { contactId, reason });
    },
    async cancelClientWorkflows({ clientId, terminate }: { clientId: string; terminate: boolean }): Promise<number> {
      // Every process that runs a worker connects the workflow gateways (temporal/worker-main.ts).
      if (!container.workflows?.cancelClientWorkflows) throw gatewayNotConnected();
      return container.workflows.cancelClientWorkflows({ clientId, terminate });
    },
    async purgeClientFiles({ clientId }: { clientId: string }): Promise<number> {
      return purgeClientFiles(deps(), { clientId, onBatch: (done) => heartbeat(done) });
    },
    /** Sources go with their crawls, schedules (which live in Temporal) and page documents; then any leftover rows. */
    async purgeClientSources({ clientId }: { clientId: string }): Promise<void> {
      // Schedules live in Temporal: without the crawl gateway they would outlive the site.
      if (!container.crawls) throw gatewayNotConnected();
      await deleteSourcesOfClient(
        {
          ...deps(),
          network: container.network,
          workflows: container.workflows,
          crawls: container.crawls,
          logger: container.logger,
        },
        { clientId },
      );
      await purgeClientSources(deps(), { clientId });
    },
    async purgeClientRows({ clientId }: { clientId: string }): Promise<void> {
      await purgeClientRows(deps(), { clientId });
    },
    async purgeUser({ userId }: { userId: string }): Promise<void> {
      await purgeUser(knex, { userId });
    },
  };
}

export type LoopActivities = ReturnType<typeof createLoopActivities>;
