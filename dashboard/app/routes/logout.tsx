import { redirect, type ActionFunctionArgs } from '@remix-run/node';
import { destroySession } from '../../../core/services/auth';
import { clearedSessionCookie, sessionTokenFromCookieHeader } from '../../../core/http/session-cookie';
import { requireCsrf, secureCookies } from '../context.server';

export function loader() {
  throw redirect('/');
}

export async function action({ context, request }: ActionFunctionArgs) {
  const formData = await request.formData();
  const secure = secureCookies(context, request);
  if (context.session) {
    requireCsrf(formData, context);
    await destroySession(
      context.container.db.knex,
      sessionTokenFromCookieHeader(request.headers.get('cookie'), { secure }),
    );
  }
  return redirect('/login', { headers: { 'Set-Cookie': clearedSessionCookie({ secure }) } });
}
