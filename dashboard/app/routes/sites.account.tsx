import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { listClients } from '../../../core/services/clients';
import { deleteAccount } from '../../../core/services/deletion';
import { clearedSessionCookie } from '../../../core/http/session-cookie';
import { CsrfInput } from '../components/csrf-input';
import { FormAlert, TextField } from '../components/fields';
import { Icon } from '../components/icons';
import { RouteErrorPanel } from '../components/route-error';
import { isSecureRequest, requireCsrf, requireUser } from '../context.server';
import { formFailure, textField } from '../forms.server';
import { pluralize } from '../lib/format';

export const meta: MetaFunction = () => [{ title: 'Account · ChatConnect' }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const session = requireUser(context, request);
  const sites = await listClients(context.container.db.knex, { ownerId: session.user.id });
  return { user: session.user, siteCount: sites.length };
}

export async function action({ context, request }: ActionFunctionArgs) {
  const session = requireUser(context);
  const formData = await request.formData();
  requireCsrf(formData, context);
  try {
    const { knex } = context.container.db;
    const { cache, blobStore, vectorStore, workflows, logger, invalidation } = context.container;
    await deleteAccount(
      { knex, cache, blobStore, vectorStore, workflows, logger, invalidation },
      { userId: session.user.id, password: textField(formData, 'password') },
    );
  } catch (error) {
    return formFailure(error);
  }
  throw redirect('/', { headers: { 'Set-Cookie': clearedSessionCookie({ secure: isSecureRequest(request) }) } });
}

export default function Account() {
  const { user, siteCount } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const deleting = useNavigation().state === 'submitting';
  return (
    <div className="page narrow stack-lg">
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <Link to="/sites">Sites</Link>
        <Icon name="chevronRight" />
        <span aria-current="page">Account</span>
      </nav>
      <section className="card stack">
        <h1 className="card-title">{user.name}</h1>
        <p className="muted">{user.email}</p>
      </section>
      <section className="card danger-card stack" aria-labelledby="delete-account-title">
        <h2 id="delete-account-title" className="card-title">
          Delete the account
        </h2>
        <p>
          Signs you out everywhere and deletes the account with {pluralize(siteCount, 'site')}: their keys stop at once,
          and their documents, conversations and settings are removed. This cannot be undone.
        </p>
        <Form method="post" className="stack">
          <CsrfInput />
          <TextField
            id="password"
            name="password"
            type="password"
            label="Your password, to confirm"
            autoComplete="current-password"
            required
          />
          <FormAlert message={actionData && !actionData.ok ? actionData.formError : null} />
          <div className="form-actions">
            <button type="submit" className="button danger" disabled={deleting}>
              <Icon name="trash" />
              {deleting ? 'Deleting…' : 'Delete my account'}
            </button>
          </div>
        </Form>
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteErrorPanel />;
}
