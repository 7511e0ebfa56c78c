import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../../core/logger';
import type { Metrics } from '../../core/metrics';

declare module 'express-serve-static-core' {
  interface Request {
    id: string;
    log: Logger;
  }
}

/** A request id (echoed as `x-request-id`) bound into a child logger; one log line per finished request (debug for 2xx/3xx, info for 4xx with `code`). */
export function requestContext({ logger, metrics }: { logger: Logger; metrics: Metrics }) {
  return (req: Request, res: Response, next: NextFunction) => {
    const incoming = req.header('x-request-id');
    req.id = incoming && /^[A-Za-z0-9._-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    req.log = logger.child({ requestId: req.id });
    res.setHeader('x-request-id', req.id);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const route = req.route?.path
        ? `${req.baseUrl}${req.route.path}`
        : req.path.startsWith('/assets')
          ? '/assets'
          : 'other';
      metrics.httpRequests.inc({ method: req.method, route, status: `${Math.floor(res.statusCode / 100)}xx` });
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      // A refused request (4xx) is one info line with its error code; a 5xx's stack was logged by the error handler.
      const level = res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug';
      const code = res.locals.errorCode as string | undefined;
      req.log[level](
        { method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms), ...(code && { code }) },
        'request',
      );
    });
    next();
  };
}
