import { redirect } from '@remix-run/node';
import { createSession } from '../../core/services/auth';
import { sessionCookie, sessionTokenFromCookieHeader } from '../../core/http/session-cookie';
import { secureCookies, type DashboardContext } from './context.server';

/** Starts a session for `userId` (revoking the one the browser held, so the id rotates) and sends the browser on with its cookie. */
export async function startSessionAndRedirect(
  context: DashboardContext,
  request: Request,
  userId: string,
  to: string,
): Promise<Response> {
  const secure = secureCookies(context, request);
  const replacing = sessionTokenFromCookieHeader(request.headers.get('cookie'), { secure });
  const { token } = await createSession(context.container.db.knex, userId, { replacing });
  return redirect(to, { headers: { 'Set-Cookie': sessionCookie(token, { secure }) } });
}
