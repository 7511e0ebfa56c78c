import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useNavigation, useSearchParams } from '@remix-run/react';
import { authenticateThrottled, TooManyLoginAttemptsError } from '../../../core/services/login-throttle';
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
    return {
      ok: false as const,
      formError: 'Enter your email and password.',
      fieldErrors: {} as Record<string, string>,
      email,
    };
  }
  // One limiter with the API's login, per account and per client address (consumed before the check).
  try {
    const user = await authenticateThrottled(
      context.container.db.knex,
      context.container.rateLimits.login,
      { email, password },
      context.clientAddress,
    );
    return await startSessionAndRedirect(context, request, user.id, safeRedirectPath(formData.get('redirectTo')));
  } catch (error) {
    if (error instanceof TooManyLoginAttemptsError) {
      return data(
        { ok: false as const, formError: error.message, fieldErrors: {} as Record<string, string>, email },
        { status: 429, headers: { 'Retry-After': String(error.retryAfterSeconds) } },
      );
    }
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
          New to ChatConnect?{' '}
          <Link to={redirectTo ? `/signup?redirectTo=${encodeURIComponent(redirectTo)}` : '/signup'}>
            Create an account
          </Link>
        </>
      }
    >
      <Form
        method="post"
        className="stack"
        noValidate
        aria-describedby={actionData?.formError ? 'login-error' : undefined}
      >
        <div id="login-error">
          <FormAlert message={actionData?.formError} />
        </div>
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <TextField
          id="email"
          name="email"
          type="email"
          label="Email"
          autoComplete="email"
          required
          defaultValue={actionData?.email}
          autoFocus={!actionData}
        />
        <TextField
          id="password"
          name="password"
          type="password"
          label="Password"
          autoComplete="current-password"
          required
        />
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
