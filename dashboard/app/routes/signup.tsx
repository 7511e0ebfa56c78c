import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useNavigation, useSearchParams } from '@remix-run/react';
import { registerUser } from '../../../core/services/auth';
import { AuthShell } from '../components/auth-shell';
import { FormAlert, TextField } from '../components/fields';
import { RouteErrorPanel } from '../components/route-error';
import { startSessionAndRedirect } from '../auth.server';
import { safeRedirectPath } from '../context.server';
import { formFailure, textField } from '../forms.server';

export const meta: MetaFunction = () => [{ title: 'Create your account · ChatConnect' }];

export function loader({ context }: LoaderFunctionArgs) {
  if (context.session) throw redirect('/sites');
  return null;
}

export async function action({ context, request }: ActionFunctionArgs) {
  const formData = await request.formData();
  const values = { name: textField(formData, 'name'), email: textField(formData, 'email') };
  try {
    const user = await registerUser(context.container.db.knex, {
      ...values,
      password: textField(formData, 'password'),
    });
    return await startSessionAndRedirect(
      context,
      request,
      user.id,
      safeRedirectPath(formData.get('redirectTo'), '/sites/new'),
    );
  } catch (error) {
    return formFailure(error, { values });
  }
}

export default function Signup() {
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [searchParams] = useSearchParams();
  const submitting = navigation.state !== 'idle' && navigation.formAction === '/signup';
  const errors = actionData?.fieldErrors ?? {};
  const hasFieldErrors = Object.keys(errors).length > 0;

  return (
    <AuthShell
      title="Create your account"
      subtitle="Add an AI assistant to your website that answers from your own documents."
      footer={
        <>
          Already have an account? <Link to="/login">Log in</Link>
        </>
      }
    >
      <Form method="post" className="stack" noValidate>
        <FormAlert message={hasFieldErrors ? 'Please correct the fields marked below.' : actionData?.formError} />
        <input type="hidden" name="redirectTo" value={searchParams.get('redirectTo') ?? ''} />
        <TextField
          id="name"
          name="name"
          label="Your name"
          autoComplete="name"
          required
          defaultValue={actionData?.values?.name}
          error={errors.name}
          autoFocus={!actionData}
        />
        <TextField
          id="email"
          name="email"
          type="email"
          label="Work email"
          autoComplete="email"
          required
          defaultValue={actionData?.values?.email}
          error={errors.email}
        />
        <TextField
          id="password"
          name="password"
          type="password"
          label="Password"
          autoComplete="new-password"
          required
          minLength={8}
          hint="At least 8 characters."
          error={errors.password}
        />
        <button type="submit" className="button primary block" disabled={submitting}>
          {submitting ? 'Creating account…' : 'Create account'}
        </button>
      </Form>
    </AuthShell>
  );
}

export function ErrorBoundary() {
  return (
    <main id="main" className="auth-page">
      <RouteErrorPanel backTo="/signup" backLabel="Back to sign up" />
    </main>
  );
}
