import { existsSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import express, { type RequestHandler } from 'express';
import type { Container } from '../core/container';
import { createApp } from './app';
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
        res.status(503).type('html').send('<!doctype html><title>ChatConnect</title><p>The dashboard has not been built yet. Run <code>npm run build</code> and restart.</p>');
      },
    ];
  }
  const build = await import(pathToFileURL(REMIX_BUILD).href);
  return [
    express.static(path.join(REMIX_CLIENT, 'assets'), { immutable: true, maxAge: '1y', index: false }) as unknown as RequestHandler,
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
  const app = createApp({ container, dashboard: await dashboardHandlers(container, dashboard), dashboardCsp: dashboard !== 'dev' });
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

const isMain = process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  // Not a top-level await: scripts/runtime imports this module, and awaiting it here would leave
  // both waiting on each other (Node exits with code 13, "unsettled top-level await").
  void import('../scripts/runtime').then(({ runProcess }) => runProcess({ api: true, worker: false, devServer: false }));
}
