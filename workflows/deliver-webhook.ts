import { ActivityFailure, ApplicationFailure, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { LoopActivities } from '../activities/loop';
import type { WebhookRetryPolicy } from '../core/ports/workflow-gateway';

export interface DeliverContactWebhookInput {
  clientId: string;
  contactId: string;
  retry: WebhookRetryPolicy;
}

/**
 * `webhook-<contactId>`: POSTs one contact request to its site's webhook, retrying with
 * exponential backoff (×2 from `retry.initialIntervalMs`, capped at `maximumIntervalMs`) until a
 * 2xx or until `giveUpAfterMs` (a day by default) has passed; then the contact is marked failed.
 * Each attempt's status is on the contact row, and the retries are visible in Temporal Web.
 */
export async function deliverContactWebhook({
  contactId,
  retry,
}: DeliverContactWebhookInput): Promise<{ delivered: boolean; reason?: string }> {
  const { deliverContactAttempt } = proxyActivities<LoopActivities>({
    startToCloseTimeout: '30 seconds',
    scheduleToCloseTimeout: retry.giveUpAfterMs,
    retry: {
      initialInterval: retry.initialIntervalMs,
      backoffCoefficient: 2,
      maximumInterval: retry.maximumIntervalMs,
    },
  });
  const { markContactUndelivered } = proxyActivities<LoopActivities>({ startToCloseTimeout: '30 seconds' });
  try {
    const outcome = await deliverContactAttempt({ contactId });
    return outcome === 'delivered'
      ? { delivered: true }
      : { delivered: false, reason: 'the site or its webhook no longer exists' };
  } catch (error) {
    const cause = error instanceof ActivityFailure ? error.cause : error;
    const reason = cause instanceof ApplicationFailure || cause instanceof Error ? cause.message : 'delivery failed';
    await markContactUndelivered({
      contactId,
      reason: `Gave up after ${Math.round((Date.now() - workflowInfo().startTime.getTime()) / 60_000)} min: ${reason}`,
    });
    return { delivered: false, reason };
  }
}
