import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { CrawlActivities } from '../../activities/crawl';
import { workflowBundle } from '../../temporal/worker';
import { emptyCrawlProgress } from '../../workflows/crawl-progress';

describe('crawlSource workflow with stubbed activities on the dev server', () => {
  let client: Client;
  let connection: NativeConnection;
  beforeAll(async () => {
    client = new Client({ connection: await Connection.connect({ address: inject('temporalAddress') }) });
    connection = await NativeConnection.connect({ address: inject('temporalAddress') });
  });
  afterAll(async () => {
    await client.connection.close();
    await connection.close();
  });

  async function run(overrides: Partial<CrawlActivities>, calls: string[]) {
    const taskQueue = `crawl-stub-${randomUUID()}`;
    const base: CrawlActivities = {
      beginCrawl: async () => ({ generation: 3 }),
      prepareCrawl: async () => ({ ...emptyCrawlProgress(), pagesFound: 1 }),
      crawlBatch: async () => ({ progress: emptyCrawlProgress(), remaining: 0 }),
      finishCrawl: async () => emptyCrawlProgress(),
      failCrawl: async () => undefined,
    };
    const activities = Object.fromEntries(
      Object.entries({ ...base, ...overrides }).map(([name, fn]) => [
        name,
        async (...args: unknown[]) => {
          calls.push(name);
          return (fn as (...args: unknown[]) => unknown)(...args);
        },
      ]),
    );
    const worker = await Worker.create({ connection, taskQueue, workflowBundle: await workflowBundle(), activities });
    const workflowId = `crawl-${randomUUID()}`;
    return {
      workflowId,
      result: worker.runUntil(
        client.workflow.execute('crawlSource', {
          taskQueue,
          workflowId,
          args: [{ clientId: randomUUID(), sourceId: randomUUID() }],
        }),
      ),
    };
  }

  it('works a large frontier in batches, continues as new to keep history small, and ends with finishCrawl', async () => {
    const calls: string[] = [];
    let fetched = 0;
    const total = 450;
    const { workflowId, result } = await run(
      {
        crawlBatch: async ({ limit, generation }) => {
          expect(generation).toBe(3);
          fetched = Math.min(total, fetched + limit);
          return {
            progress: { ...emptyCrawlProgress(), pagesFound: total, pagesFetched: fetched, pagesIngested: fetched },
            remaining: total - fetched,
          };
        },
        finishCrawl: async () => ({
          ...emptyCrawlProgress(),
          pagesFound: total,
          pagesFetched: total,
          pagesIngested: total,
        }),
      },
      calls,
    );
    expect(await result).toMatchObject({ pagesFound: total, pagesIngested: total });
    expect(calls.filter((name) => name === 'beginCrawl')).toHaveLength(1);
    expect(calls.filter((name) => name === 'crawlBatch')).toHaveLength(45);
    expect(calls.at(-1)).toBe('finishCrawl');
    // The run that finished is not the first: the crawl continued as new after 40 batches.
    const description = await client.workflow.getHandle(workflowId).describe();
    expect(description.raw.workflowExecutionInfo?.firstRunId).toBeTruthy();
    expect(description.runId).not.toBe(description.raw.workflowExecutionInfo?.firstRunId);
  }, 120_000);

  it('records a failure the tenant can act on once, and stops quietly when superseded', async () => {
    const calls: string[] = [];
    let failed: { code: string; message: string } | undefined;
    const { result } = await run(
      {
        prepareCrawl: async () => {
          throw ApplicationFailure.nonRetryable('This address is not a sitemap.', 'sitemap_invalid');
        },
        failCrawl: async ({ code, message }) => {
          failed = { code, message };
        },
      },
      calls,
    );
    await expect(result).rejects.toBeInstanceOf(WorkflowFailedError);
    expect(failed).toEqual({ code: 'sitemap_invalid', message: 'This address is not a sitemap.' });
    expect(calls.filter((name) => name === 'prepareCrawl')).toHaveLength(1);

    const superseded: string[] = [];
    const quiet = await run({ crawlBatch: async () => null }, superseded);
    await expect(quiet.result).resolves.toMatchObject({ pagesFound: 1 });
    expect(superseded).not.toContain('finishCrawl');
    expect(superseded).not.toContain('failCrawl');
  }, 120_000);
});
