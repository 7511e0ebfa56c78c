import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { updateClient } from '../../../core/services/clients';
import { listContacts } from '../../../core/services/contacts';
import { CopyButton } from '../components/copy-button';
import { CsrfInput } from '../components/csrf-input';
import { EmptyState } from '../components/empty-state';
import { FormAlert, TextField } from '../components/fields';
import { Icon } from '../components/icons';
import { LocalTime } from '../components/local-time';
import { RouteErrorPanel } from '../components/route-error';
import { useLiveConversations } from '../components/use-live-conversations';
import { requireCsrf, requireOwnedClient, requireUser } from '../context.server';
import { formFailure, textField } from '../forms.server';
import { pluralize } from '../lib/format';

export const meta: MetaFunction = () => [{ title: 'Contact requests · ChatConnect' }];

export async function loader({ context, params, request }: LoaderFunctionArgs) {
  const client = await requireOwnedClient(context, params.clientId, request);
  return {
    clientId: client.id,
    webhookUrl: client.webhookUrl,
    webhookSecret: client.webhookSecret,
    contacts: await listContacts(context.container.db.knex, { clientId: client.id }),
  };
}

export async function action({ context, params, request }: ActionFunctionArgs) {
  const session = requireUser(context);
  const client = await requireOwnedClient(context, params.clientId);
  const formData = await request.formData();
  requireCsrf(formData, context);
  try {
    const url = textField(formData, 'webhookUrl').trim();
    await updateClient(context.container.db.knex, {
      ownerId: session.user.id,
      clientId: client.id,
      input: { webhookUrl: url || null },
      allowPrivateUrls: context.container.config.ALLOW_PRIVATE_URLS,
    });
    return { ok: true as const, fieldErrors: {} as Record<string, string>, formError: null };
  } catch (error) {
    return formFailure(error);
  }
}

const DELIVERY_LABELS = {
  none: 'No webhook',
  pending: 'Delivering…',
  delivered: 'Sent to webhook',
  failed: 'Webhook failed',
} as const;

export default function Contacts() {
  const { clientId, webhookUrl, webhookSecret, contacts } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const saving = useNavigation().state === 'submitting';
  useLiveConversations(clientId);
  return (
    <div className="stack-lg">
      <div className="section-header">
        <div>
          <h1 className="section-heading">Contact requests</h1>
          <p className="muted">
            Visitors who asked to talk to a person. Reply to them by email; with a webhook, each request also reaches
            your helpdesk or chat tool.
          </p>
        </div>
      </div>
      {contacts.length === 0 ? (
        <EmptyState icon="person" title="No contact requests yet">
          <p>
            When you turn on “talk to a person” in the <Link to={`/sites/${clientId}/widget`}>widget settings</Link>,
            visitors can leave their email after an answer that did not help.
          </p>
        </EmptyState>
      ) : (
        <section className="card flush" aria-labelledby="contacts-title">
          <div className="card-header padded">
            <h2 id="contacts-title" className="card-title">
              {pluralize(contacts.length, 'request')}
            </h2>
          </div>
          <ul className="loop-list">
            {contacts.map((contact) => (
              <li key={contact.id} className="loop-row">
                <div className="loop-main">
                  <p className="loop-question">
                    <a href={`mailto:${contact.email}`}>
                      {contact.name ? `${contact.name} <${contact.email}>` : contact.email}
                    </a>
                  </p>
                  {contact.message ? <p className="loop-answer">{contact.message}</p> : null}
                  <p className="loop-meta">
                    <LocalTime iso={contact.createdAt} mode="relative" /> ·{' '}
                    <Link to={`/sites/${clientId}/conversations/${encodeURIComponent(contact.sessionId)}`}>
                      Open the conversation
                    </Link>{' '}
                    ·{' '}
                    <span
                      className={
                        contact.webhook.status === 'failed'
                          ? 'badge status-failed'
                          : contact.webhook.status === 'delivered'
                            ? 'badge status-ready'
                            : 'badge'
                      }
                      title={contact.webhook.error ?? undefined}
                    >
                      {DELIVERY_LABELS[contact.webhook.status]}
                    </span>
                  </p>
                </div>
              </li>
            ))}
          </ul>
        </section>
      )}
      <section className="card settings-section" aria-labelledby="webhook-title">
        <div className="settings-intro">
          <h2 id="webhook-title" className="card-title">
            Webhook
          </h2>
          <p className="card-subtitle">
            Each request is POSTed as JSON, signed in <code>x-chatconnect-signature</code> (<code>sha256=</code> HMAC of
            the body with the secret), and retried for a day until your endpoint answers 2xx.
          </p>
        </div>
        <Form method="post" className="stack">
          <CsrfInput />
          <TextField
            id="webhookUrl"
            name="webhookUrl"
            label="Webhook URL"
            type="url"
            placeholder="https://example.com/hooks/chatconnect"
            defaultValue={webhookUrl ?? ''}
            spellCheck={false}
            autoCapitalize="off"
            hint="Leave empty to turn the webhook off."
          />
          {webhookSecret ? (
            <div className="field">
              <span className="field-label">Signing secret</span>
              <div className="button-row">
                <code className="secret-value">{webhookSecret}</code>
                <CopyButton text={webhookSecret} label="Copy secret" />
              </div>
            </div>
          ) : null}
          <FormAlert message={actionData && !actionData.ok ? actionData.formError : null} />
          {actionData?.ok ? <FormAlert tone="success" message="Webhook saved." /> : null}
          <div className="form-actions">
            <button type="submit" className="button primary" disabled={saving}>
              <Icon name="check" />
              {saving ? 'Saving…' : 'Save webhook'}
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
