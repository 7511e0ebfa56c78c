import { randomBytes } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

/**
 * Browser-side headers on every response (helmet): `nosniff`, `Referrer-Policy`, `X-Frame-Options:
 * DENY`, COOP, and HSTS when the request is HTTPS (or `SECURE_COOKIES=true` says it is behind one).
 *
 * Left out on purpose: `Cross-Origin-Resource-Policy` (other sites load /widget.js and its chunks
 * with `no-cors` script requests; `same-origin` would block the widget everywhere) and
 * `Cross-Origin-Embedder-Policy`. CORS is the widget routes' own business and is not touched.
 * The Content-Security-Policy is per surface: `dashboardCsp` for the dashboard, the demo page sets
 * its own (it is framed by the widget editor's preview, so it allows `frame-ancestors 'self'`).
 */
export function securityHeaders({ secureCookies }: { secureCookies: 'auto' | 'true' | 'false' }): RequestHandler[] {
  const hsts = helmet.strictTransportSecurity({ maxAge: 180 * 24 * 3600, includeSubDomains: true });
  return [
    helmet({
      contentSecurityPolicy: false,
      crossOriginResourcePolicy: false,
      crossOriginEmbedderPolicy: false,
      strictTransportSecurity: false,
      referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
      xFrameOptions: { action: 'deny' },
    }),
    (req, res, next) =>
      secureCookies === 'true' || (secureCookies === 'auto' && req.secure) ? hsts(req, res, next) : next(),
  ];
}

declare module 'express-serve-static-core' {
  interface Locals {
    /** A fresh nonce per dashboard response; Remix puts it on its inline scripts (entry.server.tsx, root.tsx). */
    cspNonce?: string;
  }
}

/**
 * The dashboard's Content-Security-Policy. Scripts only from this origin or carrying the
 * response's nonce (Remix's inline hydration and streaming scripts get it); no `unsafe-eval`, no
 * plugins, no `<base>`, never framed (`frame-ancestors 'none'`); it may frame only its own origin
 * (the widget editor's live preview of /widget/demo). Inline `style="…"` attributes stay allowed
 * (`style-src-attr`: progress bars set their width), `<style>` elements and sheets only from here.
 */
export function dashboardCsp(): RequestHandler {
  return (_req: Request, res: Response, next: NextFunction) => {
    const nonce = randomBytes(16).toString('base64');
    res.locals.cspNonce = nonce;
    res.setHeader(
      'Content-Security-Policy',
      [
        "default-src 'self'",
        `script-src 'self' 'nonce-${nonce}'`,
        "style-src 'self'",
        "style-src-attr 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "frame-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
      ].join('; '),
    );
    next();
  };
}
