import {
  allHandlersFinished,
  condition,
  continueAsNew,
  defineSignal,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { ChatLogActivities } from '../activities/chat-log';
import type { ChatTurnLog } from '../core/ports/workflow-gateway';

export const chatTurnSignal = defineSignal<[ChatTurnLog]>('chatTurn');

export interface LogChatInput {
  clientId: string;
  sessionId: string;
  /** Turns received but not yet written when the previous run continued as new. */
  pending?: ChatTurnLog[];
}

// A database outage only delays logs: with no maximumAttempts the write is retried until it lands.
const { recordChatTurn } = proxyActivities<ChatLogActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

const IDLE_TIMEOUT = '30 minutes';
const TURNS_PER_RUN = 200;

/** One workflow per visitor session, fed by signal-with-start from the chat path; it writes turns in order. */
export async function logChat({ clientId, sessionId, pending = [] }: LogChatInput): Promise<number> {
  const queue: ChatTurnLog[] = [...pending];
  setHandler(chatTurnSignal, (turn) => {
    queue.push(turn);
  });
  let written = 0;
  for (;;) {
    const gotWork = await condition(() => queue.length > 0, IDLE_TIMEOUT);
    if (!gotWork) return written;
    while (queue.length > 0) {
      await recordChatTurn(queue[0]);
      queue.shift();
      written++;
    }
    if (written >= TURNS_PER_RUN || workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof logChat>({ clientId, sessionId, pending: queue });
    }
  }
}
