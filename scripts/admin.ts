/**
 * Operator commands (`npm run admin -- <command>`), run on the server with the app's configuration:
 *
 *   npm run admin -- sites [--pending]        every site with its owner and plan (pending upgrade requests first)
 *   npm run admin -- set-tier <siteId> <free|paid>
 *
 * Plans are the operator's decision: with SELF_SERVE_TIERS=false a tenant's plan choice is only a
 * request, which shows up under `sites --pending`. The chat path picks up a new tier within
 * API_KEY_CACHE_TTL_SECONDS (5 s by default). Exit codes: 0 done, 1 failed, 2 usage.
 */
import { loadConfig } from '../core/config';
import { openDatabase } from '../core/db/connect';
import { migrateLatest } from '../core/db/migrate';
import { runningEmbeddedPostgresUrl } from '../core/db/embedded-url';
import { listSitesForOperator, setSiteTier } from '../core/services/plans';

const USAGE = `Usage:
  npm run admin -- sites [--pending]
  npm run admin -- set-tier <siteId> <free|paid>`;

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (!command || command === 'help' || command === '--help') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  const config = loadConfig();
  // DATABASE_URL; else the embedded PostgreSQL `npm start` is running under DATA_DIR; else start
  // that embedded server just for this command (it stops again when the command ends).
  const databaseUrl = config.DATABASE_URL ?? runningEmbeddedPostgresUrl(config.dataDir) ?? undefined;
  const db = await openDatabase({ databaseUrl, dataDir: config.dataDir, poolMax: 1 });
  if (!databaseUrl) await migrateLatest(db.knex);
  try {
    if (command === 'sites') {
      const sites = await listSitesForOperator(db.knex, { pendingOnly: args.includes('--pending') });
      if (sites.length === 0) console.log(args.includes('--pending') ? 'No pending plan requests.' : 'No sites yet.');
      for (const site of sites) {
        const pending = site.requestedTier ? `  requested: ${site.requestedTier} (${site.tierRequestedAt})` : '';
        console.log(`${site.id}  ${site.tier.padEnd(4)}  ${site.name}  <${site.ownerEmail}>${pending}`);
      }
      return 0;
    }
    if (command === 'set-tier') {
      const [siteId, tier] = args;
      if (!siteId || !tier) {
        console.error(USAGE);
        return 2;
      }
      const result = await setSiteTier(db.knex, { clientId: siteId, tier });
      console.log(
        `Site ${result.id}: ${result.previousTier} → ${result.tier}. The new limit applies within ${config.API_KEY_CACHE_TTL_SECONDS} s.`,
      );
      return 0;
    }
    console.error(`Unknown command "${command}".\n${USAGE}`);
    return 2;
  } catch (error) {
    console.error((error as Error).message);
    return 1;
  } finally {
    await db.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
