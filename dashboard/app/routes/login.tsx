import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useNavigation, useSearchParams } from '@remix-run/react';
import { authenticate } from '../../../core/services/auth';
import { AuthShell } from '../components/auth-shell';
import { FormAlert, TextField } from '../components/fields';
import { RouteErrorPanel } from '../components/route-error';
import { startSessionAndRedirect } from '../auth.server';
import { safeRedirectPath } from '../context.server';
import { formFailure, textField } from '../forms.server';

export const meta: MetaFunction = () => [{ title: 'Log in · ChatConnect' }];

export function loader({ context, request }: LoaderFunctionArgs) {
  if (context.session) throw redirect(safeRedirectPath(new URL(request.url).searchParams.get('redirectTo')));
  return null;
}

export async function action({ context, request }: ActionFunctionArgs) {
  const formData = await request.formData();
  const email = textField(formData, 'email').trim().toLowerCase();
  const password = textField(formData, 'password');
  if (!email || !password) {
    return { ok: false as const, formError: 'Enter your email and password.', fieldErrors: {} as Record<string, string>, email };
  }
  // Failed attempts are throttled per account, sharing the API's counter. The client address is
  // not trusted here (no proxy information reaches Remix), so the per-address limit is the API route's.
  const decision = await context.container.rateLimits.login.check(`email:${email}`);
  if (!decision.allowed) {
    const minutes = Math.ceil(decision.retryAfterSeconds / 60);
    return data(
      { ok: false as const, formError: `Too many login attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`, fieldErrors: {} as Record<string, string>, email },
      { status: 429, headers: { 'Retry-After': String(decision.retryAfterSeconds) } },
    );
  }
  try {
    const user = await authenticate(context.container.db.knex, { email, password });
    return await startSessionAndRedirect(context, request, user.id, safeRedirectPath(formData.get('redirectTo')));
  } catch (error) {
    await context.container.rateLimits.login.consume(`email:${email}`);
    return formFailure(error, { email });
  }
}

export default function Login() {
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [searchParams] = useSearchParams();
  const submitting = navigation.state !== 'idle' && navigation.formAction === '/login';
  const redirectTo = searchParams.get('redirectTo') ?? '';

  return (
    <AuthShell
      title="Log in"
      subtitle="Manage your sites, documents and chat widget."
      footer={
        <>
          New to ChatConnect? <Link to={redirectTo ? `/signup?redirectTo=${encodeURIComponent(redirectTo)}` : '/signup'}>Create an account</Link>
        </>
      }
    >
      <Form method="post" className="stack" noValidate aria-describedby={actionData?.formError ? 'login-error' : undefined}>
        <div id="login-error">
          <FormAlert message={actionData?.formError} />
        </div>
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <TextField id="email" name="email" type="email" label="Email" autoComplete="email" required defaultValue={actionData?.email} autoFocus={!actionData} />
        <TextField id="password" name="password" type="password" label="Password" autoComplete="current-password" required />
        <button type="submit" className="button primary block" disabled={submitting}>
          {submitting ? 'Logging in…' : 'Log in'}
        </button>
      </Form>
    </AuthShell>
  );
}

export function ErrorBoundary() {
  return (
    <main id="main" className="auth-page">
      <RouteErrorPanel backTo="/login" backLabel="Back to log in" />
    </main>
  );
}
