import { ScheduleNotFoundError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { CrawlGateway, CrawlProgress } from '../core/ports/crawl-gateway';
import { WORKFLOW_TYPES, crawlProgressQuery, type crawlSource } from './names';
import { ClientIdKey } from './gateway';
import { crawlScheduleId, crawlWorkflowId } from './task-queues';

const DAY_SECONDS = 24 * 3600;
const INTERVAL_SECONDS = { daily: DAY_SECONDS, weekly: 7 * DAY_SECONDS } as const;

/** The crawl port over a Temporal client: `crawlSource` runs, their `progress` query and the re-crawl schedules. */
export function createCrawlGateway({ client, taskQueue }: { client: Client; taskQueue: string }): CrawlGateway {
  const startAction = (clientId: string, sourceId: string, url: string) => {
    const args: Parameters<typeof crawlSource> = [{ clientId, sourceId }];
    return {
      type: 'startWorkflow' as const,
      workflowType: WORKFLOW_TYPES.crawlSource,
      taskQueue,
      workflowId: crawlWorkflowId(sourceId),
      args,
      typedSearchAttributes: [{ key: ClientIdKey, value: clientId }],
      staticSummary: `Crawl ${url.slice(0, 200)}`,
    };
  };

  const cancel = async (workflowId: string) => {
    try {
      await client.workflow.getHandle(workflowId).cancel();
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
  };

  return {
    async startCrawl({ clientId, sourceId, url }) {
      const { type: _type, workflowType, ...options } = startAction(clientId, sourceId, url);
      const handle = await client.workflow.start<typeof crawlSource>(workflowType, {
        ...options,
        workflowId: crawlWorkflowId(sourceId),
        // "Crawl again" while a crawl runs keeps that crawl rather than starting a second one.
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      });
      return { workflowId: handle.workflowId };
    },

    async cancelCrawl({ sourceId, workflowId }) {
      await cancel(crawlWorkflowId(sourceId));
      if (workflowId && workflowId !== crawlWorkflowId(sourceId)) await cancel(workflowId);
    },

    async crawlProgress(workflowId): Promise<CrawlProgress | null> {
      try {
        return (await client.workflow.getHandle(workflowId).query(crawlProgressQuery)) ?? null;
      } catch {
        return null;
      }
    },

    async setRecrawlSchedule({ clientId, sourceId, url, recrawl }) {
      const handle = client.schedule.getHandle(crawlScheduleId(sourceId));
      if (recrawl === 'off') {
        await handle.delete().catch((error) => {
          if (!(error instanceof ScheduleNotFoundError)) throw error;
        });
        return;
      }
      const spec = { intervals: [{ every: `${INTERVAL_SECONDS[recrawl]} seconds` as const }] };
      const action = startAction(clientId, sourceId, url);
      try {
        await handle.update((previous) => ({ ...previous, spec, action }));
      } catch (error) {
        if (!(error instanceof ScheduleNotFoundError)) throw error;
        await client.schedule.create({
          scheduleId: crawlScheduleId(sourceId),
          spec,
          action,
          // A crawl still running when the next is due: the next is skipped, never stacked.
          policies: { overlap: 'SKIP' },
          typedSearchAttributes: [{ key: ClientIdKey, value: clientId }],
          state: { note: `Re-crawl ${recrawl} of ${url.slice(0, 200)}` },
        });
      }
    },

    async describeRecrawlSchedule(sourceId) {
      try {
        const description = await client.schedule.getHandle(crawlScheduleId(sourceId)).describe();
        const every = description.spec.intervals?.[0]?.every;
        return { intervalSeconds: typeof every === 'number' ? every / 1000 : Number.NaN };
      } catch (error) {
        if (error instanceof ScheduleNotFoundError) return null;
        throw error;
      }
    },
  };
}
