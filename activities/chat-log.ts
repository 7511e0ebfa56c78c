import type { Knex } from 'knex';
import { recordChatTurn } from '../core/services/chat-log';
import type { ChatTurnLog } from '../core/ports/workflow-gateway';

export function createChatLogActivities({ knex }: { knex: Knex }) {
  return {
    async recordChatTurn(turn: ChatTurnLog): Promise<{ inserted: boolean }> {
      return recordChatTurn(knex, turn);
    },
  };
}

export type ChatLogActivities = ReturnType<typeof createChatLogActivities>;
