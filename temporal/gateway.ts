import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import protos from '@temporalio/proto';

// The protos package is CommonJS: its namespaces come off the default export under native ESM.
const { temporal } = protos;
import type {
  ChatTurnLog,
  IngestionProgress,
  QueueHealth,
  WebhookRetryPolicy,
  WorkflowGateway,
} from '../core/ports/workflow-gateway';
import { chatLogSummary, ingestionSummary } from './summaries';
import { createLoopGateway } from './loop-gateway';
import { chatLogWorkflowId, ingestionWorkflowId } from './task-queues';
import { WORKFLOW_TYPES, chatTurnSignal, ingestionProgressQuery, type ingestDocument, type logChat } from './names';

export const ClientIdKey = defineSearchAttributeKey('ClientId', SearchAttributeType.KEYWORD);
export const DocumentIdKey = defineSearchAttributeKey('DocumentId', SearchAttributeType.KEYWORD);

export async function connectTemporal({ address, namespace }: { address: string; namespace: string }): Promise<Client> {
  const connection = await Connection.connect({ address, connectTimeout: '10 seconds' });
  return new Client({ connection, namespace });
}

/** The workflow port for services: starts, queries, cancels and signals workflows by their readable ids. */
export function createWorkflowGateway({
  client,
  taskQueue,
  webhookRetry,
}: {
  client: Client;
  taskQueue: string;
  webhookRetry?: WebhookRetryPolicy;
}): WorkflowGateway {
  const inFlight = new Set<Promise<unknown>>();
  const track = <T>(promise: Promise<T>): Promise<T> => {
    inFlight.add(promise);
    promise.finally(() => inFlight.delete(promise)).catch(() => undefined);
    return promise;
  };
  return {
    ...(webhookRetry ? createLoopGateway({ client, taskQueue, webhookRetry }) : {}),
    async startIngestion({ clientId, documentId, version, filename, siteName }) {
      const workflowId = ingestionWorkflowId(documentId);
      await client.workflow.start<typeof ingestDocument>(WORKFLOW_TYPES.ingestDocument, {
        taskQueue,
        workflowId,
        args: [{ clientId, documentId, version }],
        // A re-ingest supersedes a run still in flight for the same document.
        workflowIdConflictPolicy: 'TERMINATE_EXISTING',
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
        typedSearchAttributes: [
          { key: ClientIdKey, value: clientId },
          { key: DocumentIdKey, value: documentId },
        ],
        memo: { filename, version },
        ...ingestionSummary({ clientId, documentId, version, filename, siteName }),
      });
      return { workflowId };
    },

    async cancelIngestion(documentId) {
      try {
        await client.workflow.getHandle(ingestionWorkflowId(documentId)).cancel();
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return;
        throw error;
      }
    },

    async ingestionProgress(documentId): Promise<IngestionProgress | null> {
      try {
        const handle = client.workflow.getHandle(ingestionWorkflowId(documentId));
        return (await handle.query(ingestionProgressQuery)) ?? null;
      } catch {
        return null;
      }
    },

    async logChatTurn(turn: ChatTurnLog, { siteName }: { siteName?: string } = {}) {
      await track(
        client.workflow.signalWithStart<typeof logChat, [ChatTurnLog]>(WORKFLOW_TYPES.logChat, {
          taskQueue,
          workflowId: chatLogWorkflowId(turn.clientId, turn.sessionId),
          args: [{ clientId: turn.clientId, sessionId: turn.sessionId }],
          signal: chatTurnSignal,
          signalArgs: [turn],
          workflowIdReusePolicy: 'ALLOW_DUPLICATE',
          typedSearchAttributes: [{ key: ClientIdKey, value: turn.clientId }],
          memo: { sessionId: turn.sessionId },
          ...chatLogSummary({ clientId: turn.clientId, sessionId: turn.sessionId, siteName }),
        }),
      );
    },

    async drain(timeoutMs) {
      const timeout = new Promise((resolve) => setTimeout(resolve, timeoutMs).unref());
      await Promise.race([Promise.allSettled([...inFlight]), timeout]);
    },

    async health(): Promise<QueueHealth> {
      try {
        const response = await client.workflowService.describeTaskQueue({
          namespace: client.options.namespace,
          taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
          taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
          reportStats: true,
        });
        const backlog = response.stats?.approximateBacklogCount;
        return {
          ok: true,
          taskQueue,
          pollers: response.pollers?.length ?? 0,
          backlog: backlog === undefined || backlog === null ? undefined : Number(backlog),
        };
      } catch (error) {
        return { ok: false, taskQueue, pollers: 0, error: (error as Error).message };
      }
    },
  };
}
