import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { Form, Link, useActionData, useFetcher, useLoaderData, useNavigation } from '@remix-run/react';
import { useState } from 'react';
import {
  announceClientChange,
  createApiKey,
  listApiKeys,
  revokeApiKey,
  type ApiKeySummary,
} from '../../../core/services/clients';
import { listChatSessions } from '../../../core/services/conversations';
import { listDocuments } from '../../../core/services/documents';
import { getUsage } from '../../../core/services/usage';
import { ConfirmDialog } from '../components/confirm-dialog';
import { CopyButton } from '../components/copy-button';
import { CsrfInput } from '../components/csrf-input';
import { EmbedSnippet } from '../components/embed-snippet';
import { FormAlert } from '../components/fields';
import { Icon } from '../components/icons';
import { LocalTime } from '../components/local-time';
import { RouteErrorPanel } from '../components/route-error';
import { requireCsrf, requireOwnedClient } from '../context.server';
import { formFailure, textField } from '../forms.server';
import { formatCost, formatInteger } from '../lib/format';

export async function loader({ context, params, request }: LoaderFunctionArgs) {
  const client = await requireOwnedClient(context, params.clientId, request);
  const knex = context.container.db.knex;
  const [apiKeys, documents, chats, usage] = await Promise.all([
    listApiKeys(knex, { clientId: client.id }),
    listDocuments(knex, { clientId: client.id }),
    listChatSessions(knex, { clientId: client.id, limit: 1 }),
    getUsage(knex, { clientId: client.id, days: 30 }),
  ]);
  return {
    site: { id: client.id, name: client.name, allowedDomains: client.allowedDomains },
    publicUrl: context.container.config.publicUrl,
    // Every visit to the widget editor replaces its preview key; the replaced ones are noise here.
    apiKeys: apiKeys.filter((key) => key.kind === 'live' || !key.revokedAt),
    stats: {
      documents: documents.length,
      readyDocuments: documents.filter((document) => document.status === 'ready').length,
      conversations: chats.total,
      requests30d: usage.reduce((sum, day) => sum + day.requests, 0),
      cost30d: usage.reduce((sum, day) => sum + day.costUsd, 0),
    },
  };
}

export async function action({ context, params, request }: ActionFunctionArgs) {
  const client = await requireOwnedClient(context, params.clientId);
  const formData = await request.formData();
  requireCsrf(formData, context);
  const knex = context.container.db.knex;
  const intent = textField(formData, 'intent');
  try {
    if (intent === 'create-key') {
      const { apiKey, key } = await createApiKey(knex, { clientId: client.id });
      return { ok: true as const, intent, createdKey: { apiKey, prefix: key.prefix } };
    }
    if (intent === 'revoke-key') {
      await revokeApiKey(knex, { clientId: client.id, keyId: textField(formData, 'keyId') });
      await announceClientChange(context.container.invalidation, client.id);
      return { ok: true as const, intent, createdKey: null };
    }
    throw new Response('Unknown action.', { status: 400 });
  } catch (error) {
    return formFailure(error, { intent, createdKey: null });
  }
}

function keyStatus(key: ApiKeySummary) {
  return key.revokedAt ? (
    <span className="badge neutral">
      Revoked <LocalTime iso={key.revokedAt} mode="date" />
    </span>
  ) : (
    <span className="badge success">Active</span>
  );
}

function ApiKeysTable({ apiKeys, onRevoke }: { apiKeys: ApiKeySummary[]; onRevoke: (key: ApiKeySummary) => void }) {
  // Active live keys first, then preview keys, then revoked ones: what matters is on top.
  const ordered = [...apiKeys].sort((a, b) => {
    const rank = (key: ApiKeySummary) => (key.revokedAt ? 2 : key.kind === 'preview' ? 1 : 0);
    return rank(a) - rank(b) || (a.createdAt < b.createdAt ? 1 : -1);
  });
  return (
    <div className="table-wrap">
      <table className="table responsive-table">
        <caption className="visually-hidden">API keys of this site</caption>
        <thead>
          <tr>
            <th scope="col">Key</th>
            <th scope="col">Kind</th>
            <th scope="col">Created</th>
            <th scope="col">Last used</th>
            <th scope="col">Status</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {ordered.map((key) => (
            <tr key={key.id} className={key.revokedAt ? 'is-muted' : undefined}>
              <td data-label="Key">
                <code className="key-prefix">{key.prefix}…</code>
              </td>
              <td data-label="Kind">
                {key.kind === 'preview' ? (
                  <span className="badge neutral" title="Used by the widget editor's live preview">
                    Preview
                  </span>
                ) : (
                  <span className="badge accent">Live</span>
                )}
              </td>
              <td data-label="Created">
                <LocalTime iso={key.createdAt} mode="date" />
              </td>
              <td data-label="Last used">
                {key.lastUsedAt ? (
                  <LocalTime iso={key.lastUsedAt} mode="relative" />
                ) : (
                  <span className="muted">Never</span>
                )}
              </td>
              <td data-label="Status">{keyStatus(key)}</td>
              <td className="cell-actions">
                {key.revokedAt ? null : (
                  <button type="button" className="button ghost small danger-text" onClick={() => onRevoke(key)}>
                    Revoke<span className="visually-hidden"> key {key.prefix}</span>
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Stat({ label, value, to, detail }: { label: string; value: string; to?: string; detail?: string }) {
  const body = (
    <>
      <span className="stat-label">{label}</span>
      <span className="stat-value">{value}</span>
      {detail ? <span className="stat-detail">{detail}</span> : null}
    </>
  );
  return to ? (
    <Link to={to} className="stat card">
      {body}
    </Link>
  ) : (
    <div className="stat card">{body}</div>
  );
}

export default function SiteOverview() {
  const { site, publicUrl, apiKeys, stats } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const revokeFetcher = useFetcher<typeof action>();
  const [revoking, setRevoking] = useState<ApiKeySummary | null>(null);
  const creatingKey = navigation.state === 'submitting' && navigation.formData?.get('intent') === 'create-key';
  const createdKey = actionData?.ok && actionData.createdKey ? actionData.createdKey : null;
  const activeLiveKeys = apiKeys.filter((key) => key.kind === 'live' && !key.revokedAt).length;
  const base = `/sites/${site.id}`;

  const checklist = [
    { done: site.allowedDomains.length > 0, label: 'Add the domains your widget runs on', to: `${base}/settings` },
    { done: stats.documents > 0, label: 'Upload documents to answer from', to: `${base}/documents` },
    { done: activeLiveKeys > 0, label: 'Keep an active API key for the snippet', to: `${base}#keys` },
    { done: stats.conversations > 0, label: 'Try a question in the widget preview', to: `${base}/widget` },
  ];
  const remaining = checklist.filter((item) => !item.done).length;

  const createKeyForm = (label: string, className: string) => (
    <Form method="post" className="inline-form">
      <CsrfInput />
      <input type="hidden" name="intent" value="create-key" />
      <button type="submit" className={className} disabled={creatingKey}>
        <Icon name="key" />
        {creatingKey ? 'Creating key…' : label}
      </button>
    </Form>
  );

  return (
    <div className="stack-lg">
      <h1 className="visually-hidden">Overview of {site.name}</h1>
      <div className="stats-grid">
        <Stat
          label="Documents"
          value={formatInteger(stats.documents)}
          detail={`${formatInteger(stats.readyDocuments)} ready to answer from`}
          to={`${base}/documents`}
        />
        <Stat
          label="Conversations"
          value={formatInteger(stats.conversations)}
          detail="All time"
          to={`${base}/conversations`}
        />
        <Stat
          label="Chat requests"
          value={formatInteger(stats.requests30d)}
          detail="Last 30 days"
          to={`${base}/usage`}
        />
        <Stat label="Estimated cost" value={formatCost(stats.cost30d)} detail="Last 30 days" to={`${base}/usage`} />
      </div>

      {remaining > 0 ? (
        <section className="card" aria-labelledby="checklist-title">
          <div className="card-header">
            <div>
              <h2 id="checklist-title" className="card-title">
                Get {site.name} ready
              </h2>
              <p className="card-subtitle">
                {checklist.length - remaining} of {checklist.length} done
              </p>
            </div>
            <div className="meter" aria-hidden="true">
              <div
                className="meter-fill"
                style={{ width: `${((checklist.length - remaining) / checklist.length) * 100}%` }}
              />
            </div>
          </div>
          <ul className="checklist">
            {checklist.map((item) => (
              <li key={item.label} className={item.done ? 'done' : undefined}>
                <span className="check" aria-hidden="true">
                  {item.done ? <Icon name="check" size={14} /> : null}
                </span>
                {item.done ? (
                  <span className="checklist-done">
                    {item.label}
                    <span className="visually-hidden"> (done)</span>
                  </span>
                ) : (
                  <Link to={item.to}>{item.label}</Link>
                )}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section className="card" aria-labelledby="snippet-title">
        <div className="card-header">
          <div>
            <h2 id="snippet-title" className="card-title">
              Embed the widget
            </h2>
            <p className="card-subtitle">Add this tag to every page where visitors should see the chat button.</p>
          </div>
        </div>
        <EmbedSnippet publicUrl={publicUrl} apiKey={createdKey?.apiKey ?? null} />
        {createdKey ? null : (
          <div className="callout">
            <Icon name="key" />
            <p>
              Full keys are shown only once, so the snippet has a placeholder. Replace <code>pk_live_YOUR_KEY</code>{' '}
              with a key you saved, or create a new key to fill it in.
            </p>
            {createKeyForm('Create a key', 'button secondary small')}
          </div>
        )}
      </section>

      <section className="card" id="keys" aria-labelledby="keys-title">
        <div className="card-header">
          <div>
            <h2 id="keys-title" className="card-title">
              API keys
            </h2>
            <p className="card-subtitle">
              Publishable keys for the widget. They only work on your allowed domains; the preview key only in this
              dashboard.
            </p>
          </div>
          {createKeyForm('New key', 'button secondary')}
        </div>
        {createdKey ? (
          <div className="key-created" role="status">
            <p>
              <strong>New key created.</strong> Copy it now: it will not be shown again.
            </p>
            <div className="key-reveal">
              <code className="key-value">{createdKey.apiKey}</code>
              <CopyButton text={createdKey.apiKey} label="Copy key" />
            </div>
          </div>
        ) : null}
        <FormAlert message={!actionData?.ok ? actionData?.formError : null} />
        <FormAlert message={revokeFetcher.data && !revokeFetcher.data.ok ? revokeFetcher.data.formError : null} />
        {apiKeys.length ? (
          <ApiKeysTable apiKeys={apiKeys} onRevoke={setRevoking} />
        ) : (
          <p className="muted">This site has no keys. Create one to embed the widget.</p>
        )}
      </section>

      <ConfirmDialog
        open={revoking !== null}
        onClose={() => setRevoking(null)}
        title="Revoke this key?"
        description={
          <p>
            Widgets using <code>{revoking?.prefix}…</code> stop working within a minute. This cannot be undone.
          </p>
        }
      >
        <revokeFetcher.Form method="post" onSubmit={() => setRevoking(null)}>
          <CsrfInput />
          <input type="hidden" name="intent" value="revoke-key" />
          <input type="hidden" name="keyId" value={revoking?.id ?? ''} />
          <button type="submit" className="button danger">
            Revoke key
          </button>
        </revokeFetcher.Form>
      </ConfirmDialog>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteErrorPanel />;
}
