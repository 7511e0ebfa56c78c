import { redirect, type ActionFunctionArgs } from '@remix-run/node';
import { destroySession } from '../../../core/services/auth';
import { clearedSessionCookie, sessionTokenFromCookieHeader } from '../../../core/http/session-cookie';
import { isSecureRequest, requireCsrf } from '../context.server';

export function loader() {
  throw redirect('/');
}

export async function action({ context, request }: ActionFunctionArgs) {
  const formData = await request.formData();
  if (context.session) {
    requireCsrf(formData, context);
    await destroySession(context.container.db.knex, sessionTokenFromCookieHeader(request.headers.get('cookie')));
  }
  return redirect('/login', { headers: { 'Set-Cookie': clearedSessionCookie({ secure: isSecureRequest(request) }) } });
}
