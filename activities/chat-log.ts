import type { Knex } from 'knex';
import { recordChatTurn } from '../core/services/chat-log';
import type { ChatTurnLog } from '../core/ports/workflow-gateway';

export function createChatLogActivities({ knex }: { knex: Knex }) {
  return {
    async recordChatTurn(turn: ChatTurnLog): Promise<{ inserted: boolean }> {
      // A turn of a deleted site is dropped (else its foreign key would fail and be retried forever).
      const live = await knex('clients').where({ id: turn.clientId }).whereNull('deleted_at').first('id');
      if (!live) return { inserted: false };
      return recordChatTurn(knex, turn);
    },
  };
}

export type ChatLogActivities = ReturnType<typeof createChatLogActivities>;
