import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../core/config';
import { createLogger } from '../../core/logger';
import { startStack, type Stack } from '../../api/stack';
import { freePort } from '../../temporal/dev-server';
import { withTimeout } from './timeout';

/**
 * The embedded mode as a user runs it (`npm start` with no services configured): PGlite under a
 * fresh DATA_DIR, in-memory cache and limits, the pinned Temporal CLI as dev server, API and
 * worker in one process. Rate limits are raised so the benchmark measures work, not 429s.
 */
export interface EmbeddedStack {
  url: string;
  stack: Stack;
  dataDir: string;
  close(): Promise<void>;
}

export const UNLIMITED_RATES: Record<string, string> = {
  RATE_LIMIT_FREE_PER_MINUTE: '1000000',
  RATE_LIMIT_PAID_PER_MINUTE: '1000000',
  RATE_LIMIT_VISITOR_PER_MINUTE: '1000000',
  RATE_LIMIT_IP_PER_MINUTE: '1000000',
};

export async function embeddedStackEnv(
  dataDir: string,
  overrides: Record<string, string> = {},
): Promise<Record<string, string>> {
  return {
    NODE_ENV: 'production',
    SESSION_SECRET: randomBytes(32).toString('hex'),
    SECURE_COOKIES: 'false',
    LOG_LEVEL: 'silent',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    PORT: String(await freePort()),
    TEMPORAL_DEV_PORT: String(await freePort()),
    TEMPORAL_UI_PORT: String(await freePort()),
    SHUTDOWN_GRACE_MS: '1000',
    METRICS_PORT: '0',
    ...UNLIMITED_RATES,
    ...overrides,
  };
}

export async function startEmbeddedStack({ env = {} }: { env?: Record<string, string> } = {}): Promise<EmbeddedStack> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'chatconnect-bench-'));
  try {
    const config = loadConfig(await embeddedStackEnv(dataDir, env));
    const logger = createLogger({ level: config.LOG_LEVEL });
    const stack = await startStack({ config, logger, api: true, worker: true, devServer: true, dashboardMode: 'none' });
    await waitForWorkflows(stack);
    return {
      url: stack.http!.url,
      stack,
      dataDir,
      async close() {
        try {
          await withTimeout(stack.stop(), 90_000, 'stopping the stack');
        } finally {
          // A stack that did not stop must still not leave its Temporal CLI process behind.
          await stack.devServer?.stop().catch(() => undefined);
          rmSync(dataDir, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** The gateway connects in the background when Temporal is slow to come up; uploads need it. */
async function waitForWorkflows(stack: Stack, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!stack.container.workflows) {
    if (Date.now() > deadline)
      throw new Error(`Temporal at ${stack.temporalAddress} was not reachable within ${timeoutMs / 1000}s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
