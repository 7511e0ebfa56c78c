import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { listClients } from '../../../core/services/clients';
import { listDocuments } from '../../../core/services/documents';
import { EmptyState } from '../components/empty-state';
import { Icon } from '../components/icons';
import { LocalTime } from '../components/local-time';
import { RouteErrorPanel } from '../components/route-error';
import { requireUser } from '../context.server';
import { pluralize } from '../lib/format';

export const meta: MetaFunction = () => [{ title: 'Sites · ChatConnect' }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const session = requireUser(context, request);
  const knex = context.container.db.knex;
  const clients = await listClients(knex, { ownerId: session.user.id });
  const sites = await Promise.all(
    clients.map(async (client) => {
      const documents = await listDocuments(knex, { clientId: client.id });
      return {
        id: client.id,
        name: client.name,
        tier: client.tier,
        allowedDomains: client.allowedDomains,
        createdAt: client.createdAt,
        documents: documents.length,
        readyDocuments: documents.filter((document) => document.status === 'ready').length,
      };
    }),
  );
  const deleted = (new URL(request.url).searchParams.get('deleted') ?? '').slice(0, 100);
  return { sites, userName: session.user.name, deleted };
}

export default function SitesIndex() {
  const { sites, userName, deleted } = useLoaderData<typeof loader>();
  return (
    <div className="page">
      {deleted ? (
        <p className="alert success" role="status">
          {deleted} was deleted. Its keys no longer work; its documents and conversations are being removed.
        </p>
      ) : null}
      <div className="page-header">
        <div>
          <h1 className="page-title">Your sites</h1>
          <p className="page-subtitle">Each site has its own documents, chat widget, keys and usage.</p>
        </div>
        {sites.length > 0 ? (
          <Link to="/sites/new" className="button primary">
            <Icon name="plus" />
            Add site
          </Link>
        ) : null}
      </div>

      {sites.length === 0 ? (
        <EmptyState
          icon="globe"
          title={`Welcome, ${userName.split(' ')[0]}. Add your first site.`}
          action={
            <Link to="/sites/new" className="button primary">
              <Icon name="plus" />
              Add your first site
            </Link>
          }
        >
          <ol className="steps">
            <li>
              <span>
                <strong>Add a site</strong> with the domains your widget may run on.
              </span>
            </li>
            <li>
              <span>
                <strong>Upload documents</strong> (PDF, Word, text or CSV) for the assistant to answer from.
              </span>
            </li>
            <li>
              <span>
                <strong>Paste the snippet</strong> into your pages, and visitors can start asking.
              </span>
            </li>
          </ol>
        </EmptyState>
      ) : (
        <ul className="site-grid" aria-label="Sites">
          {sites.map((site) => (
            <li key={site.id}>
              <Link to={`/sites/${site.id}`} className="site-card">
                <div className="site-card-head">
                  <span className="site-avatar" aria-hidden="true">
                    {site.name.slice(0, 1).toUpperCase()}
                  </span>
                  <div className="site-card-title">
                    <strong>{site.name}</strong>
                    <span className="muted truncate">
                      {site.allowedDomains.length ? site.allowedDomains.join(', ') : 'No allowed domains yet'}
                    </span>
                  </div>
                  <span className={`badge tier-${site.tier}`}>{site.tier === 'paid' ? 'Paid' : 'Free'}</span>
                </div>
                <dl className="site-card-stats">
                  <div>
                    <dt>Documents</dt>
                    <dd>
                      {site.documents === 0
                        ? 'None yet'
                        : `${site.readyDocuments} of ${pluralize(site.documents, 'document')} ready`}
                    </dd>
                  </div>
                  <div>
                    <dt>Created</dt>
                    <dd>
                      <LocalTime iso={site.createdAt} mode="date" />
                    </dd>
                  </div>
                </dl>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteErrorPanel backTo="/" backLabel="Reload the dashboard" />;
}
