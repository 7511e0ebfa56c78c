import compression from 'compression';
import express, { type RequestHandler } from 'express';
import type { Container } from '../core/container';
import { createApiKeyResolver } from '../core/services/clients';
import { errorBody, errorHandler } from './middleware/error-handler';
import { requestContext } from './middleware/request-context';
import { loadSession, rejectCrossSiteWrites } from './middleware/session';
import { dashboardCsp, securityHeaders } from './middleware/security-headers';
import { accountRouter } from './routes/account';
import { authRouter } from './routes/auth';
import { chatExtrasRouter } from './routes/chat-extras';
import { chatRouter } from './routes/chat';
import { dashboardRouter } from './routes/dashboard';
import { internalRouter } from './routes/internal';
import { loopRouter } from './routes/loop';
import { operationsRouter } from './routes/operations';
import { sourcesRouter } from './routes/sources';
import { widgetRouter } from './routes/widget';

/**
 * Builds the one Express app that serves the API, the widget script and the dashboard on one base
 * URL. `dashboard` is the Remix request handler (production build or Vite dev middleware).
 */
export function createApp({
  container,
  dashboard,
  dashboardCsp: withCsp = true,
}: {
  container: Container;
  dashboard?: RequestHandler[];
  dashboardCsp?: boolean;
}) {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', container.config.TRUST_PROXY ? 1 : false);
  app.use(requestContext({ logger: container.logger, metrics: container.metrics }));
  app.use(securityHeaders({ secureCookies: container.config.SECURE_COOKIES }));
  app.use(
    compression({
      // Streams must reach the visitor token by token.
      filter: (req, res) =>
        !String(res.getHeader('Content-Type') ?? '').includes('text/event-stream') && compression.filter(req, res),
    }),
  );

  const resolveApiKey = createApiKeyResolver(
    container.db.knex,
    container.config.API_KEY_CACHE_TTL_SECONDS,
    undefined,
    container.invalidation,
  );
  app.use(operationsRouter(container));
  app.use(widgetRouter(container, resolveApiKey));
  app.use(chatRouter(container, resolveApiKey));
  app.use(chatExtrasRouter(container, resolveApiKey));

  const session = loadSession(container.db.knex, container.config.SECURE_COOKIES);
  const csrf = rejectCrossSiteWrites({ publicUrl: container.config.publicUrl });
  app.use('/api/auth', express.json({ limit: '16kb' }), csrf, session, authRouter(container), accountRouter(container));
  app.use(
    '/api/dashboard',
    (_req, res, next) => {
      res.setHeader('Cache-Control', 'no-store');
      next();
    },
    express.json({ limit: '256kb' }),
    csrf,
    session,
    loopRouter(container),
    dashboardRouter(container),
    sourcesRouter(container),
  );
  const internal = internalRouter(container);
  if (internal) app.use('/internal', express.json({ limit: '2mb' }), internal);

  app.use(['/api', '/internal', '/chat'], (_req, res) => {
    res
      .status(404)
      .json(errorBody('not_found', 'There is no such endpoint. See the API reference in docs/openapi.yaml.'));
  });
  // Vite's dev server (npm run dev) injects its own inline scripts: the CSP is for the built dashboard.
  if (dashboard) app.use(...(withCsp ? [dashboardCsp()] : []), csrf, session, ...dashboard);
  app.use(errorHandler());
  return app;
}
