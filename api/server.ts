import { existsSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import express, { type RequestHandler } from 'express';
import type { Client } from '@temporalio/client';
import { createContainer, type Container } from '../core/container';
import type { Config } from '../core/config';
import type { Logger } from '../core/logger';
import { runMain, stopSteps, type StartedProcess } from '../core/runtime/main';
import { reembedStaleDocuments } from '../core/services/embedding-migration';
import { connectWorkflows } from '../temporal/connection';
import { createApp } from './app';
import { startMetricsServer, type MetricsServer } from './metrics-server';
import { wantsSecureCookie } from './middleware/session';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const REMIX_BUILD = path.join(projectRoot, 'build', 'server', 'index.js');
const REMIX_CLIENT = path.join(projectRoot, 'build', 'client');

export type DashboardMode = 'build' | 'dev' | 'none';

/** The Remix dashboard as Express middleware: the production build, or Vite's dev server with HMR. */
async function dashboardHandlers(container: Container, mode: DashboardMode): Promise<RequestHandler[] | undefined> {
  if (mode === 'none') return undefined;
  const { createRequestHandler } = await import('@remix-run/express');
  const getLoadContext = (req: express.Request, res: express.Response) => ({
    container,
    session: req.session ?? null,
    clientAddress: req.ip,
    cspNonce: res.locals.cspNonce,
    secureCookie: wantsSecureCookie(req, container.config.SECURE_COOKIES),
  });
  if (mode === 'dev') {
    const vite = await import('vite');
    const server = await vite.createServer({ server: { middlewareMode: true }, appType: 'custom' });
    return [
      server.middlewares as unknown as RequestHandler,
      createRequestHandler({
        build: () => server.ssrLoadModule('virtual:remix/server-build') as never,
        getLoadContext: getLoadContext as never,
      }) as unknown as RequestHandler,
    ];
  }
  if (!existsSync(REMIX_BUILD)) {
    container.logger.warn('dashboard build missing: run `npm run build` (serving a notice instead)');
    return [
      (_req, res) => {
        res
          .status(503)
          .type('html')
          .send(
            '<!doctype html><title>ChatConnect</title><p>The dashboard has not been built yet. Run <code>npm run build</code> and restart.</p>',
          );
      },
    ];
  }
  const build = await import(pathToFileURL(REMIX_BUILD).href);
  return [
    express.static(path.join(REMIX_CLIENT, 'assets'), {
      immutable: true,
      maxAge: '1y',
      index: false,
    }) as unknown as RequestHandler,
    express.static(REMIX_CLIENT, { maxAge: '1h', index: false }) as unknown as RequestHandler,
    createRequestHandler({ build, getLoadContext: getLoadContext as never }) as unknown as RequestHandler,
  ].map((handler, index) => (index < 2 ? prefixAssets(handler, index === 0) : handler));
}

function prefixAssets(handler: RequestHandler, assetsOnly: boolean): RequestHandler {
  if (!assetsOnly) return handler;
  const router = express.Router();
  router.use('/assets', handler);
  return router as unknown as RequestHandler;
}

export interface RunningServer {
  url: string;
  port: number;
  server: http.Server;
  /** Stops accepting connections, lets in-flight requests and streams finish for `graceMs`, then cuts the rest. */
  close(graceMs?: number): Promise<void>;
}

export async function startHttpServer({
  container,
  port,
  host,
  dashboard = 'build',
}: {
  container: Container;
  port: number;
  host: string;
  dashboard?: DashboardMode;
}): Promise<RunningServer> {
  const app = createApp({
    container,
    dashboard: await dashboardHandlers(container, dashboard),
    dashboardCsp: dashboard !== 'dev',
  });
  const server = http.createServer(app);
  // SSE streams are long-lived; the heartbeat keeps proxies from cutting them.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actualPort = (server.address() as { port: number }).port;
  return {
    url: `http://${host === '0.0.0.0' || host === '::' ? 'localhost' : host}:${actualPort}`,
    port: actualPort,
    server,
    async close(graceMs = 10_000) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      await closed;
      clearTimeout(timer);
    },
  };
}

/**
 * The API role on a built container: connects the workflow gateway (retrying in the background),
 * starts carrying documents over to a newly configured embedding model, and serves HTTP (API,
 * widget script, dashboard). `stop()` closes HTTP (grace `SHUTDOWN_GRACE_MS`) then Temporal; the
 * caller closes the container.
 */
export async function startApi({
  container,
  temporalAddress,
  dashboard = 'build',
}: {
  container: Container;
  temporalAddress: string;
  dashboard?: DashboardMode;
}): Promise<{
  http: RunningServer;
  metricsServer: MetricsServer;
  temporalClient: Client | undefined;
  stop(): Promise<void>;
}> {
  const { config, logger } = container;
  const workflows = await connectWorkflows({ container, address: temporalAddress });
  if (workflows.client) {
    reembedStaleDocuments(
      {
        knex: container.db.knex,
        blobStore: container.blobStore,
        vectorStore: container.vectorStore,
        cache: container.cache,
        workflows: container.workflows,
        logger,
      },
      { embeddingModel: container.embedder.model },
    ).catch((error) => logger.error({ err: error }, 'could not start re-embedding'));
  }
  let http: RunningServer;
  let metricsServer: MetricsServer;
  try {
    http = await startHttpServer({ container, port: config.PORT, host: config.HOST, dashboard });
  } catch (error) {
    await workflows.close();
    throw error;
  }
  try {
    // Operators' Prometheus endpoint, on its own port (never the public one).
    metricsServer = await startMetricsServer({
      metrics: container.metrics,
      port: config.METRICS_PORT,
      host: config.METRICS_HOST,
    }).catch(async (error) => {
      // Several API processes on one host (the production layout) cannot share METRICS_PORT: the
      // first keeps it, later ones serve on a free port and say where, rather than failing to start.
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      const fallback = await startMetricsServer({ metrics: container.metrics, port: 0, host: config.METRICS_HOST });
      logger.warn(
        { metricsPort: config.METRICS_PORT, url: fallback.url },
        'METRICS_PORT is taken (another API process on this host?): metrics served on a free port instead',
      );
      return fallback;
    });
  } catch (error) {
    await http.close(0);
    await workflows.close();
    throw error;
  }
  return {
    http,
    metricsServer,
    temporalClient: workflows.client,
    async stop() {
      await http.close(config.SHUTDOWN_GRACE_MS);
      await metricsServer.close();
      await workflows.close();
    },
  };
}

/** `npm run api`: builds the container and runs the API role against `TEMPORAL_ADDRESS` (default 127.0.0.1:TEMPORAL_DEV_PORT). */
export async function startApiProcess(
  config: Config,
  logger: Logger,
  dashboard: DashboardMode = 'build',
): Promise<StartedProcess> {
  const steps = stopSteps(logger, config.SHUTDOWN_TIMEOUT_MS);
  try {
    const container = await createContainer({ config, logger });
    steps.push(() => container.close());
    const api = await startApi({
      container,
      temporalAddress: config.TEMPORAL_ADDRESS ?? `127.0.0.1:${config.TEMPORAL_DEV_PORT}`,
      dashboard,
    });
    steps.push(() => api.stop());
    return {
      banner: [
        `  API            ${config.publicUrl}/ (listening on ${api.http.url})`,
        `  Metrics        ${api.metricsServer.url} (operators only)`,
      ],
      stop: steps.stopAll,
    };
  } catch (error) {
    await steps.stopAll();
    throw error;
  }
}

const isMain = process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain)
  await runMain('api', (config, logger) =>
    startApiProcess(config, logger, process.argv.includes('--dev') ? 'dev' : 'build'),
  );
