import { redirect } from '@remix-run/node';
import { createSession } from '../../core/services/auth';
import { sessionCookie } from '../../core/http/session-cookie';
import { isSecureRequest, type DashboardContext } from './context.server';

/** Starts a session for `userId` and sends the browser on with its cookie. */
export async function startSessionAndRedirect(context: DashboardContext, request: Request, userId: string, to: string): Promise<Response> {
  const { token } = await createSession(context.container.db.knex, userId);
  return redirect(to, { headers: { 'Set-Cookie': sessionCookie(token, { secure: isSecureRequest(request) }) } });
}
