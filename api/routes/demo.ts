import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Router } from 'express';
import type { Container } from '../../core/container';

const DEMO_PAGE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'widget', 'demo', 'index.html');

/** A sample site with the widget on it, for trying a key and for the dashboard's live preview. */
export function demoRouter(_container: Container): Router {
  const router = Router();
  router.get('/demo', (_req, res) => {
    if (!existsSync(DEMO_PAGE)) {
      res.status(404).type('text/plain').send('The demo page is missing.');
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    // The preview runs inside the dashboard (same origin); other sites may not frame it.
    res.setHeader('X-Frame-Options', 'SAMEORIGIN');
    res.type('html').send(readFileSync(DEMO_PAGE, 'utf8'));
  });
  return router;
}
