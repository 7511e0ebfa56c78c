import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useLoaderData, useNavigation, useSubmit } from '@remix-run/react';
import { useEffect, useRef } from 'react';
import { listChatSessions } from '../../../core/services/conversations';
import { EmptyState } from '../components/empty-state';
import { Icon } from '../components/icons';
import { LocalTime } from '../components/local-time';
import { RouteErrorPanel } from '../components/route-error';
import { useLiveConversations } from '../components/use-live-conversations';
import { requireOwnedClient } from '../context.server';
import { formatInteger, pluralize } from '../lib/format';

export const meta: MetaFunction = () => [{ title: 'Conversations · ChatConnect' }];

const PAGE_SIZE = 25;

export async function loader({ context, params, request }: LoaderFunctionArgs) {
  const client = await requireOwnedClient(context, params.clientId, request);
  const url = new URL(request.url);
  const search = (url.searchParams.get('q') ?? '').trim().slice(0, 200);
  const page = Math.max(1, Math.trunc(Number(url.searchParams.get('page') ?? 1)) || 1);
  const { sessions, total } = await listChatSessions(context.container.db.knex, {
    clientId: client.id,
    search: search || undefined,
    limit: PAGE_SIZE,
    offset: (page - 1) * PAGE_SIZE,
  });
  return { clientId: client.id, sessions, total, search, page, pageCount: Math.max(1, Math.ceil(total / PAGE_SIZE)) };
}

function exportHref(clientId: string, format: 'csv' | 'json', search: string) {
  const params = new URLSearchParams({ clientId, format });
  if (search) params.set('search', search);
  return `/api/dashboard/chats?${params}`;
}

export default function Conversations() {
  const { clientId, sessions, total, search, page, pageCount } = useLoaderData<typeof loader>();
  useLiveConversations(clientId);
  const navigation = useNavigation();
  const submit = useSubmit();
  const searchInput = useRef<HTMLInputElement>(null);
  const searching =
    navigation.state === 'loading' && navigation.location?.pathname === `/sites/${clientId}/conversations`;
  useEffect(() => {
    if (searchInput.current && searchInput.current.value !== search) searchInput.current.value = search;
  }, [search]);

  const pageHref = (target: number) => {
    const params = new URLSearchParams();
    if (search) params.set('q', search);
    if (target > 1) params.set('page', String(target));
    const query = params.toString();
    return query ? `?${query}` : '.';
  };

  return (
    <div className="stack-lg">
      <div className="section-header">
        <div>
          <h1 className="section-heading">Conversations</h1>
          <p className="muted">What visitors asked, what the assistant answered, and which documents it used.</p>
        </div>
        <div className="button-row">
          <a className="button secondary small" href={exportHref(clientId, 'csv', search)} download>
            <Icon name="download" />
            Export CSV
          </a>
          <a className="button secondary small" href={exportHref(clientId, 'json', search)} download>
            <Icon name="download" />
            Export JSON
          </a>
        </div>
      </div>

      <Form
        method="get"
        role="search"
        className="search-bar"
        onChange={(event) => {
          // Searching as you type, replacing history entries so Back leaves the page.
          const form = event.currentTarget;
          submit(form, { replace: true, preventScrollReset: true });
        }}
      >
        <label htmlFor="conversation-search" className="visually-hidden">
          Search questions and answers
        </label>
        <Icon name="search" className="search-icon" />
        <input
          ref={searchInput}
          id="conversation-search"
          className="input search-input"
          type="search"
          name="q"
          defaultValue={search}
          placeholder="Search questions and answers"
        />
        {searching ? <span className="spinner small" aria-label="Searching" role="status" /> : null}
        <button type="submit" className="visually-hidden">
          Search
        </button>
      </Form>

      {sessions.length === 0 ? (
        search ? (
          <EmptyState
            icon="search"
            title={`Nothing matches “${search}”`}
            action={
              <Link to="." className="button secondary">
                Clear the search
              </Link>
            }
          >
            <p>Try a shorter word or another spelling. The search looks through every question and answer.</p>
          </EmptyState>
        ) : (
          <EmptyState
            icon="chat"
            title="No conversations yet"
            action={
              <Link to={`/sites/${clientId}/widget`} className="button primary">
                Try the widget preview
              </Link>
            }
          >
            <p>
              Conversations appear here as soon as visitors use the widget on your site. Ask a question in the preview
              to see how it looks.
            </p>
          </EmptyState>
        )
      ) : (
        <section className="card flush" aria-labelledby="sessions-title">
          <div className="card-header padded">
            <h2 id="sessions-title" className="card-title">
              {search ? `${pluralize(total, 'conversation')} matching “${search}”` : pluralize(total, 'conversation')}
            </h2>
          </div>
          <ul className="session-list">
            {sessions.map((session) => (
              <li key={session.sessionId}>
                <Link
                  to={`/sites/${clientId}/conversations/${encodeURIComponent(session.sessionId)}`}
                  className="session-row"
                  prefetch="intent"
                >
                  <span className="session-icon" aria-hidden="true">
                    <Icon name="chat" />
                  </span>
                  <span className="session-main">
                    <span className="session-question">
                      {session.firstQuestion ?? 'Conversation without questions'}
                    </span>
                    <span className="session-meta">
                      {pluralize(session.messageCount, 'question')} · started <LocalTime iso={session.startedAt} />
                    </span>
                  </span>
                  <span className="session-when">
                    <LocalTime iso={session.lastMessageAt} mode="relative" />
                  </span>
                  <Icon name="chevronRight" className="session-chevron" />
                </Link>
              </li>
            ))}
          </ul>
          {pageCount > 1 ? (
            <nav className="pagination" aria-label="Pages">
              {page > 1 ? (
                <Link to={pageHref(page - 1)} className="button ghost small" rel="prev">
                  <Icon name="chevronLeft" />
                  Newer
                </Link>
              ) : (
                <span />
              )}
              <span className="muted">
                Page {formatInteger(page)} of {formatInteger(pageCount)}
              </span>
              {page < pageCount ? (
                <Link to={pageHref(page + 1)} className="button ghost small" rel="next">
                  Older
                  <Icon name="chevronRight" />
                </Link>
              ) : (
                <span />
              )}
            </nav>
          ) : null}
        </section>
      )}
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteErrorPanel />;
}
