import type { Client } from '@temporalio/client';
import type { Container } from '../core/container';
import { createCrawlGateway } from './crawl-gateway';
import { connectTemporal, createWorkflowGateway } from './gateway';
import { webhookRetryPolicy } from '../core/services/contacts';

export interface WorkflowConnection {
  /** Resolves with the client once connected; undefined if the first attempt failed (retries continue in the background). */
  client: Client | undefined;
  /** Stops retrying, lets in-flight workflow starts drain (5 s) and closes the connection. */
  close(): Promise<void>;
}

/**
 * Connects the container's workflow gateway (`container.workflows`). If Temporal is not reachable
 * yet, keeps trying every 5 s in the background; `/health` says degraded meanwhile.
 */
export async function connectWorkflows({
  container,
  address,
}: {
  container: Container;
  address: string;
}): Promise<WorkflowConnection> {
  const { config, logger } = container;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let client: Client | undefined;
  const attempt = async (): Promise<Client | undefined> => {
    try {
      client = await connectTemporal({ address, namespace: config.TEMPORAL_NAMESPACE });
      if (stopped) {
        await client.connection.close().catch(() => undefined);
        return undefined;
      }
      container.workflows = createWorkflowGateway({
        client,
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        webhookRetry: webhookRetryPolicy(config),
      });
      container.crawls = createCrawlGateway({ client, taskQueue: config.TEMPORAL_TASK_QUEUE });
      return client;
    } catch (error) {
      logger.warn({ err: (error as Error).message, address }, 'Temporal not reachable; retrying in 5 s');
      if (!stopped) timer = setTimeout(() => void attempt(), 5000);
      return undefined;
    }
  };
  const first = await attempt();
  return {
    client: first,
    async close() {
      stopped = true;
      clearTimeout(timer);
      await container.workflows?.drain(5000);
      await client?.connection.close().catch(() => undefined);
    },
  };
}
