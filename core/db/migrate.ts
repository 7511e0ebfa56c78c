import type { Knex } from 'knex';
import * as initial from './migrations/001-initial';
import * as answerKinds from './migrations/002-answer-kinds';
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
  '003-website-sources': websiteSources,
};

const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(MIGRATIONS).sort(),
  getMigrationName: (name) => name,
  getMigration: async (name) => MIGRATIONS[name],
};

export async function migrateLatest(knex: Knex): Promise<void> {
  await knex.migrate.latest({ migrationSource });
}

export async function rollbackAll(knex: Knex): Promise<void> {
  await knex.migrate.rollback({ migrationSource }, true);
}
