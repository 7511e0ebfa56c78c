import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { NavLink, Outlet, useLoaderData } from '@remix-run/react';
import { Icon, type IconName } from '../components/icons';
import { RouteErrorPanel } from '../components/route-error';
import { requireOwnedClient } from '../context.server';

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.site.name} · ChatConnect` : 'Site · ChatConnect' },
];

export async function loader({ context, params, request }: LoaderFunctionArgs) {
  const client = await requireOwnedClient(context, params.clientId, request);
  return { site: { id: client.id, name: client.name, tier: client.tier, allowedDomains: client.allowedDomains } };
}

const TABS: Array<{ to: string; label: string; icon: IconName }> = [
  { to: '', label: 'Overview', icon: 'home' },
  { to: 'documents', label: 'Documents', icon: 'doc' },
  { to: 'website', label: 'Website', icon: 'globe' },
  { to: 'widget', label: 'Widget', icon: 'palette' },
  { to: 'conversations', label: 'Conversations', icon: 'chat' },
  { to: 'unanswered', label: 'Unanswered', icon: 'question' },
  { to: 'answers', label: 'Q&A', icon: 'sparkle' },
  { to: 'feedback', label: 'Feedback', icon: 'thumbUp' },
  { to: 'contacts', label: 'Contacts', icon: 'person' },
  { to: 'usage', label: 'Usage', icon: 'chart' },
  { to: 'settings', label: 'Settings', icon: 'settings' },
];

export default function SiteLayout() {
  const { site } = useLoaderData<typeof loader>();
  return (
    <>
      <div className="site-header">
        <div className="site-header-inner">
          <div className="site-heading">
            <span className="site-avatar large" aria-hidden="true">
              {site.name.slice(0, 1).toUpperCase()}
            </span>
            <div className="site-heading-text">
              <p className="site-name">
                {site.name}
                <span className={`badge tier-${site.tier}`}>{site.tier === 'paid' ? 'Paid' : 'Free'}</span>
              </p>
              <p className="muted truncate">
                {site.allowedDomains.length
                  ? site.allowedDomains.join(' · ')
                  : 'No allowed domains: the widget runs on no website yet'}
              </p>
            </div>
          </div>
          <nav className="tabs" aria-label="Site sections">
            {TABS.map((tab) => (
              <NavLink
                key={tab.label}
                to={tab.to ? `/sites/${site.id}/${tab.to}` : `/sites/${site.id}`}
                end={!tab.to}
                className="tab"
                prefetch="intent"
              >
                <Icon name={tab.icon} />
                {tab.label}
              </NavLink>
            ))}
          </nav>
        </div>
      </div>
      <div className="page">
        <Outlet />
      </div>
    </>
  );
}

export function ErrorBoundary() {
  return (
    <div className="page">
      <RouteErrorPanel />
    </div>
  );
}
