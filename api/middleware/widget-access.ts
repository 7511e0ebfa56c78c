import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../../core/errors';
import type { KeyedClient } from '../../core/services/clients';
import { originAllowed } from '../../core/services/origins';

declare module 'express-serve-static-core' {
  interface Request {
    keyedClient?: KeyedClient;
  }
}

const ALLOWED_HEADERS = 'Content-Type, X-Api-Key, Last-Event-ID';

/**
 * The one owner of CORS for public endpoints. A preflight carries no key, so it is answered for
 * any origin; the real request is then judged against the key's allowedDomains, and only an
 * allowed origin gets Access-Control-Allow-Origin.
 */
export function publicCors(req: Request, res: Response, next: NextFunction) {
  res.vary('Origin');
  if (req.method === 'OPTIONS') {
    const origin = req.header('origin');
    if (origin) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      res.setHeader('Access-Control-Max-Age', '600');
    }
    res.status(204).end();
    return;
  }
  next();
}

/** `requireApiKey`: publishable key from the header (or `apiKey` query for EventSource), then the Origin check. */
export function requireWidgetAccess(
  resolveApiKey: (key: string) => Promise<KeyedClient | null>,
  { publicUrl }: { publicUrl: string },
) {
  const dashboardOrigin = new URL(publicUrl).origin;
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const headerKey = req.header('x-api-key');
      const queryKey = typeof req.query.apiKey === 'string' ? req.query.apiKey : undefined;
      const key = (headerKey ?? queryKey ?? '').trim();
      if (!key)
        throw new AppError({
          code: 'missing_api_key',
          status: 401,
          message: "Send the site's publishable key in the x-api-key header.",
        });
      const client = await resolveApiKey(key);
      if (!client) {
        // A bad key reveals nothing, so the widget may read this answer and tell the site owner why it stays hidden.
        const origin = req.header('origin');
        if (origin) res.setHeader('Access-Control-Allow-Origin', origin);
        throw new AppError({
          code: 'invalid_api_key',
          status: 401,
          message: 'This API key is not valid or has been revoked.',
        });
      }
      const origin = req.header('origin');
      if (origin !== undefined) {
        const ownOrigin = `${req.protocol}://${req.get('host')}`;
        const previewFromDashboard =
          client.keyKind === 'preview' && (origin === dashboardOrigin || origin === ownOrigin);
        if (!previewFromDashboard && !originAllowed(origin, client.allowedDomains)) {
          throw new AppError({
            code: 'origin_not_allowed',
            status: 403,
            message:
              'This website is not on the allowed domains for this chat widget. The site owner can add it in the dashboard.',
          });
        }
        res.setHeader('Access-Control-Allow-Origin', origin);
        res.setHeader('Access-Control-Expose-Headers', 'Retry-After, X-Request-Id');
      }
      req.keyedClient = client;
      next();
    } catch (error) {
      next(error);
    }
  };
}
