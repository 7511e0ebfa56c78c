import type { LoaderFunctionArgs } from '@remix-run/node';
import {
  Form,
  Link,
  Outlet,
  useLoaderData,
  useLocation,
  useNavigate,
  useNavigation,
  useParams,
} from '@remix-run/react';
import { useEffect, useRef } from 'react';
import { listClients } from '../../../core/services/clients';
import { CsrfInput } from '../components/csrf-input';
import { Icon } from '../components/icons';
import { Logo } from '../components/logo';
import { RouteErrorPanel } from '../components/route-error';
import { requireUser } from '../context.server';

export async function loader({ context, request }: LoaderFunctionArgs) {
  const session = requireUser(context, request);
  const clients = await listClients(context.container.db.knex, { ownerId: session.user.id });
  return {
    user: session.user,
    csrfToken: session.csrfToken,
    sites: clients.map((client) => ({ id: client.id, name: client.name, tier: client.tier })),
  };
}

const SITE_SECTIONS = [
  'documents',
  'widget',
  'conversations',
  'unanswered',
  'answers',
  'feedback',
  'contacts',
  'usage',
  'settings',
];

/** Switching sites keeps the section you are in (Documents stays Documents), but not a specific conversation. */
function sectionPath(pathname: string, clientId: string | undefined): string {
  if (!clientId) return '';
  const rest = pathname.split('/').slice(3);
  return rest[0] && SITE_SECTIONS.includes(rest[0]) ? `/${rest[0]}` : '';
}

function SiteSwitcher({ sites }: { sites: Array<{ id: string; name: string }> }) {
  const { clientId } = useParams();
  const location = useLocation();
  const navigate = useNavigate();
  const known = sites.some((site) => site.id === clientId);
  return (
    <div className="site-switcher">
      <label htmlFor="site-switcher" className="visually-hidden">
        Current site
      </label>
      <select
        id="site-switcher"
        className="site-switcher-select"
        value={known ? clientId : ''}
        onChange={(event) => {
          const value = event.target.value;
          if (value === '__new') navigate('/sites/new');
          else if (!value) navigate('/sites');
          else navigate(`/sites/${value}${sectionPath(location.pathname, clientId)}`);
        }}
      >
        <option value="">All sites</option>
        {sites.map((site) => (
          <option key={site.id} value={site.id}>
            {/* Sites with the same name are told apart by the start of their id. */}
            {sites.filter((other) => other.name.toLowerCase() === site.name.toLowerCase()).length > 1
              ? `${site.name} (${site.id.slice(0, 8)})`
              : site.name}
          </option>
        ))}
        <option value="__new">+ Add a site…</option>
      </select>
      <Icon name="chevronDown" className="site-switcher-chevron" />
    </div>
  );
}

function UserMenu({ user }: { user: { name: string; email: string } }) {
  const menu = useRef<HTMLDetailsElement>(null);
  const location = useLocation();
  useEffect(() => {
    menu.current?.removeAttribute('open');
  }, [location.pathname]);
  useEffect(() => {
    const closeOutside = (event: MouseEvent | KeyboardEvent) => {
      const element = menu.current;
      if (!element?.open) return;
      if (event instanceof KeyboardEvent) {
        if (event.key === 'Escape') {
          element.removeAttribute('open');
          element.querySelector('summary')?.focus();
        }
      } else if (!element.contains(event.target as Node)) element.removeAttribute('open');
    };
    document.addEventListener('click', closeOutside);
    document.addEventListener('keydown', closeOutside);
    return () => {
      document.removeEventListener('click', closeOutside);
      document.removeEventListener('keydown', closeOutside);
    };
  }, []);
  const initials = user.name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]!.toUpperCase())
    .join('');
  return (
    <details className="user-menu" ref={menu}>
      <summary className="user-menu-trigger" aria-label={`Account: ${user.name}`}>
        <span className="avatar" aria-hidden="true">
          {initials || '?'}
        </span>
        <span className="user-menu-name">{user.name}</span>
        <Icon name="chevronDown" />
      </summary>
      <div className="user-menu-panel">
        <div className="user-menu-who">
          <strong>{user.name}</strong>
          <span>{user.email}</span>
        </div>
        <Link to="/sites/account" className="menu-item">
          <Icon name="person" />
          Account
        </Link>
        <Form method="post" action="/logout">
          <CsrfInput />
          <button type="submit" className="menu-item">
            <Icon name="logout" />
            Log out
          </button>
        </Form>
      </div>
    </details>
  );
}

export default function SignedInLayout() {
  const { user, sites } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  return (
    <div className="app">
      <header className="topbar">
        <div className="topbar-inner">
          <Link to="/sites" className="topbar-brand" aria-label="ChatConnect: all sites">
            <Logo />
          </Link>
          <span className="topbar-slash" aria-hidden="true">
            /
          </span>
          <SiteSwitcher sites={sites} />
          <div className="topbar-spacer" />
          <UserMenu user={user} />
        </div>
      </header>
      <main id="main" className="app-main" aria-busy={navigation.state === 'loading'}>
        <Outlet />
      </main>
    </div>
  );
}

export function ErrorBoundary() {
  return (
    <main id="main" className="auth-page">
      <RouteErrorPanel backTo="/" backLabel="Go to the dashboard" />
    </main>
  );
}
