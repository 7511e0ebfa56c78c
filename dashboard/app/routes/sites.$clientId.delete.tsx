import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useState } from 'react';
import { deleteClientForOwner } from '../../../core/services/deletion';
import { CsrfInput } from '../components/csrf-input';
import { FormAlert, TextField } from '../components/fields';
import { Icon } from '../components/icons';
import { RouteErrorPanel } from '../components/route-error';
import { requireCsrf, requireOwnedClient, requireUser } from '../context.server';
import { formFailure, textField } from '../forms.server';

export const meta: MetaFunction = () => [{ title: 'Delete site · ChatConnect' }];

export async function loader({ context, params, request }: LoaderFunctionArgs) {
  const client = await requireOwnedClient(context, params.clientId, request);
  return { site: { id: client.id, name: client.name } };
}

export async function action({ context, params, request }: ActionFunctionArgs) {
  const session = requireUser(context);
  const client = await requireOwnedClient(context, params.clientId);
  const formData = await request.formData();
  requireCsrf(formData, context);
  if (textField(formData, 'confirmName').trim() !== client.name) {
    return {
      ok: false as const,
      fieldErrors: { confirmName: `Type the site's name, ${client.name}, exactly.` },
      formError: null,
    };
  }
  try {
    const { knex } = context.container.db;
    const { cache, blobStore, vectorStore, workflows, logger, invalidation } = context.container;
    await deleteClientForOwner(
      { knex, cache, blobStore, vectorStore, workflows, logger, invalidation },
      { ownerId: session.user.id, clientId: client.id },
    );
  } catch (error) {
    return formFailure(error);
  }
  throw redirect(`/sites?deleted=${encodeURIComponent(client.name)}`);
}

export default function DeleteSite() {
  const { site } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [typed, setTyped] = useState('');
  const deleting = useNavigation().state === 'submitting';
  return (
    <section className="card danger-card stack" aria-labelledby="delete-title">
      <h1 id="delete-title" className="card-title">
        Delete {site.name}
      </h1>
      <p>
        This cannot be undone. At once, the widget stops working on every website that embeds it and its keys stop
        working. Then everything of the site is removed:
      </p>
      <ul className="bullets">
        <li>its documents, their passages, search index entries and stored files;</li>
        <li>its conversations, ratings, contact requests and written answers;</li>
        <li>its website sources, and any processing still running for it.</li>
      </ul>
      <Form method="post" className="stack">
        <CsrfInput />
        <TextField
          id="confirmName"
          name="confirmName"
          label={`Type ${site.name} to confirm`}
          autoComplete="off"
          spellCheck={false}
          value={typed}
          onChange={(event) => setTyped(event.target.value)}
          error={actionData && !actionData.ok ? actionData.fieldErrors.confirmName : undefined}
        />
        <FormAlert message={actionData && !actionData.ok ? actionData.formError : null} />
        <div className="form-actions">
          <Link to={`/sites/${site.id}/settings`} className="button ghost">
            Cancel
          </Link>
          <button type="submit" className="button danger" disabled={typed.trim() !== site.name || deleting}>
            <Icon name="trash" />
            {deleting ? 'Deleting…' : 'Delete this site'}
          </button>
        </div>
      </Form>
    </section>
  );
}

export function ErrorBoundary() {
  return <RouteErrorPanel />;
}
