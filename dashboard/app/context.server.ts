import { timingSafeEqual } from 'node:crypto';
import { redirect } from '@remix-run/node';
import type { Container } from '../../core/container';
import { isAppError } from '../../core/errors';
import type { Session } from '../../core/services/auth';
import { getClientForOwner, type Client } from '../../core/services/clients';
import type { DocumentDeps } from '../../core/services/documents';

/** What api/server.ts hands every loader and action: the one container, and the session Express already loaded. */
export interface DashboardContext {
  container: Container;
  session: Session | null;
  /** The client's IP as Express judged it (`req.ip`, honouring TRUST_PROXY), for per-address limits. */
  clientAddress?: string;
  /** This response's Content-Security-Policy nonce (api/middleware/security-headers.ts). */
  cspNonce?: string;
  /** Whether session cookies are `Secure` (and named `__Host-cc_session`) for this request, as Express decided with SECURE_COOKIES. */
  secureCookie?: boolean;
}

declare module '@remix-run/server-runtime' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- module augmentation: Remix reads the context through this name
  interface AppLoadContext extends DashboardContext {}
  interface Future {
    v3_singleFetch: true;
  }
}

declare module '@remix-run/node' {
  interface Future {
    v3_singleFetch: true;
  }
}

/** Only same-site paths may be redirected to, so `?redirectTo=` cannot send anyone elsewhere. */
export function safeRedirectPath(value: FormDataEntryValue | string | null | undefined, fallback = '/sites'): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\'))
    return fallback;
  return value;
}

/** The signed-in user's session, or a redirect to /login that comes back here afterwards. */
export function requireUser(context: DashboardContext, request?: Request): Session {
  if (context.session) return context.session;
  if (request) {
    const url = new URL(request.url);
    const back = `${url.pathname}${url.search}`;
    throw redirect(back && back !== '/' ? `/login?redirectTo=${encodeURIComponent(back)}` : '/login');
  }
  throw redirect('/login');
}

export const notFoundResponse = (message: string) => new Response(message, { status: 404, statusText: 'Not Found' });

/** The one gate before touching a site's data: another owner's id and a missing id are the same 404. */
export async function requireOwnedClient(
  context: DashboardContext,
  clientId: string | undefined,
  request?: Request,
): Promise<Client> {
  const session = requireUser(context, request);
  try {
    return await getClientForOwner(context.container.db.knex, { ownerId: session.user.id, clientId });
  } catch (error) {
    if (isAppError(error) && error.status === 404)
      throw notFoundResponse('This site does not exist, or it belongs to another account.');
    throw error;
  }
}

/**
 * Express already refuses cross-origin POSTs; the per-session token in every form is a second,
 * independent check, so a same-site page that is not the dashboard cannot post either.
 */
export function requireCsrf(formData: FormData, context: DashboardContext): void {
  const session = requireUser(context);
  const sent = formData.get('csrf');
  const expected = Buffer.from(session.csrfToken);
  const actual = Buffer.from(typeof sent === 'string' ? sent : '');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    throw new Response('This form has expired. Reload the page and try again.', {
      status: 403,
      statusText: 'Forbidden',
    });
  }
}

/** `Secure` cookies whenever the dashboard itself was reached over HTTPS. */
export const isSecureRequest = (request: Request) => new URL(request.url).protocol === 'https:';

/** The same `Secure` decision Express made for this request (SECURE_COOKIES), else the request's own scheme. */
export const secureCookies = (context: DashboardContext, request: Request) =>
  context.secureCookie ?? isSecureRequest(request);

export function documentDeps(container: Container): DocumentDeps {
  return {
    knex: container.db.knex,
    blobStore: container.blobStore,
    vectorStore: container.vectorStore,
    cache: container.cache,
    workflows: container.workflows,
    logger: container.logger,
  };
}
