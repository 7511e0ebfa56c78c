import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';
import type { Container } from '../../core/container';
import type { KeyedClient } from '../../core/services/clients';
import { getWidgetConfig } from '../../core/services/widgets';
import { asyncHandler } from '../middleware/async-handler';
import { publicCors, requireWidgetAccess } from '../middleware/widget-access';

const WIDGET_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'widget', 'dist');

/** The public widget surface: its config (by publishable key), health, the loader script and its hashed chunks. */
export function widgetRouter(
  container: Container,
  resolveApiKey: (key: string) => Promise<KeyedClient | null>,
): Router {
  const router = Router();

  router.get('/api/widget/health', (_req, res) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.json({ status: 'ok' });
  });
  router.use('/api/widget/config', publicCors);
  router.get(
    '/api/widget/config',
    requireWidgetAccess(resolveApiKey, { publicUrl: container.config.publicUrl }),
    asyncHandler(async (req, res) => {
      const client = req.keyedClient!;
      const widget = await getWidgetConfig(container.db.knex, { clientId: client.clientId });
      res.setHeader('Cache-Control', 'private, max-age=60');
      res.json({ widget: { ...widget, siteName: client.name } });
    }),
  );

  // The loader URL is stable and revalidated; everything it loads is content-hashed and immutable.
  router.get('/widget.js', (_req, res, next) => {
    const file = path.join(WIDGET_DIST, 'widget.js');
    if (!existsSync(file)) {
      res.status(503).type('text/javascript').send('// The widget has not been built: run `npm run build:widget`.');
      return;
    }
    res.setHeader('Cache-Control', 'public, max-age=300, must-revalidate');
    res.type('text/javascript; charset=utf-8');
    res.sendFile(
      file,
      { etag: true, lastModified: true, headers: { 'Content-Type': 'text/javascript; charset=utf-8' } },
      (error) => error && next(error),
    );
  });
  // A sample site with the widget on it, for trying a key and for the dashboard's live preview.
  const demo = (_req: express.Request, res: express.Response, next: express.NextFunction) => {
    const file = path.join(WIDGET_DIST, 'demo.html');
    if (!existsSync(file)) {
      res.status(503).type('text/plain').send('The widget demo has not been built: run `npm run build:widget`.');
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('X-Frame-Options', 'SAMEORIGIN');
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' https: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'",
    );
    res.sendFile(file, (error) => error && next(error));
  };
  router.get('/widget/demo', demo);
  router.get('/demo', (req, res) =>
    res.redirect(302, `/widget/demo${req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : ''}`),
  );
  router.use(
    '/widget',
    express.static(path.join(WIDGET_DIST, 'assets'), {
      immutable: true,
      maxAge: '365d',
      index: false,
      fallthrough: true,
    }),
  );
  return router;
}
