import type { Knex } from 'knex';
import * as initial from './migrations/001-initial';
import * as answerKinds from './migrations/002-answer-kinds';
import * as planRequests from './migrations/011-plan-requests';
import * as replyMessages from './migrations/006-reply-messages';
import * as loop from './migrations/004-loop';
import * as tenantRls from './migrations/005-tenant-rls';
import * as websiteSources from './migrations/003-website-sources';

interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

// Listed in code rather than read from a directory, so migrations run the same under tsx,
// vitest and the worker bundle, with no knexfile.
const MIGRATIONS: Record<string, Migration> = {
  '001-initial': initial,
  '002-answer-kinds': answerKinds,
  '011-plan-requests': planRequests,
  '006-reply-messages': replyMessages,
  '004-loop': loop,
  '005-tenant-rls': tenantRls,
  '003-website-sources': websiteSources,
};

const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(MIGRATIONS).sort(),
  getMigrationName: (name) => name,
  getMigration: async (name) => MIGRATIONS[name],
};

/**
 * Runs pending migrations. Several processes may start at once on a fresh database (two APIs and
 * a worker): creating knex's bookkeeping tables can race (duplicate table / unique violation) or
 * find the lock taken; the loser retries (up to 5 times, 0.2 s, 0.4 s, ...) and finds the work done.
 */
export async function migrateLatest(knex: Knex): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await knex.migrate.latest({ migrationSource });
      return;
    } catch (error) {
      const { code, name, message } = error as { code?: string; name?: string; message?: string };
      const race =
        code === '42P07' ||
        code === '23505' ||
        code === '40P01' ||
        name === 'LockError' ||
        /already locked/.test(message ?? '');
      if (!race || attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}

export async function rollbackAll(knex: Knex): Promise<void> {
  await knex.migrate.rollback({ migrationSource }, true);
}
