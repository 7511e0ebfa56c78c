import type { LinksFunction, MetaFunction } from '@remix-run/node';
import { Links, Meta, Outlet, Scripts, ScrollRestoration, useNavigation } from '@remix-run/react';
import type { ReactNode } from 'react';
import { RouteErrorPanel } from './components/route-error';
import { useNonce } from './nonce';
import stylesheet from './styles/app.css?url';

// An inline icon: no extra request, and no 404 for /favicon.ico in the console.
const FAVICON =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'%3E%3Crect width='32' height='32' rx='8' fill='%234f46e5'/%3E%3Cpath d='M9 11h14v8h-8l-4 3v-3H9z' fill='white'/%3E%3C/svg%3E";

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: stylesheet },
  { rel: 'icon', href: FAVICON, type: 'image/svg+xml' },
];

export const meta: MetaFunction = () => [
  { title: 'ChatConnect' },
  { name: 'description', content: 'AI chat for your website, answering from your own documents.' },
];

/** A thin bar at the top while any navigation or form submission is under way. */
function GlobalProgress() {
  const navigation = useNavigation();
  const busy = navigation.state !== 'idle';
  return (
    <div className={busy ? 'global-progress active' : 'global-progress'} aria-hidden="true">
      <div className="global-progress-bar" />
    </div>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light" />
        <Meta />
        <Links />
      </head>
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return (
    <>
      <GlobalProgress />
      <Outlet />
    </>
  );
}

export function ErrorBoundary() {
  return (
    <main id="main" className="auth-page">
      <RouteErrorPanel backTo="/" backLabel="Go to the dashboard" />
    </main>
  );
}
