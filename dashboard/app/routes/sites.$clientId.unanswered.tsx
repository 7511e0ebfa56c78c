import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { dayWindow } from '../../../core/services/questions';
import { listUnanswered } from '../../../core/services/unanswered';
import { EmptyState } from '../components/empty-state';
import { Icon } from '../components/icons';
import { LocalTime } from '../components/local-time';
import { RouteErrorPanel } from '../components/route-error';
import { useLiveConversations } from '../components/use-live-conversations';
import { requireOwnedClient } from '../context.server';
import { pluralize } from '../lib/format';

export const meta: MetaFunction = () => [{ title: 'Unanswered questions · ChatConnect' }];

const WINDOWS = [7, 30, 90];

export async function loader({ context, params, request }: LoaderFunctionArgs) {
  const client = await requireOwnedClient(context, params.clientId, request);
  const days = dayWindow(new URL(request.url).searchParams.get('days') ?? undefined);
  const questions = await listUnanswered(context.container.db.knex, { clientId: client.id, days });
  return { clientId: client.id, days, questions };
}

export default function Unanswered() {
  const { clientId, days, questions } = useLoaderData<typeof loader>();
  useLiveConversations(clientId);
  return (
    <div className="stack-lg">
      <div className="section-header">
        <div>
          <h1 className="section-heading">Unanswered questions</h1>
          <p className="muted">
            What visitors asked that your documents did not answer, and answers they rated down. Most asked first.
          </p>
        </div>
        <Form method="get" className="filter-row" onChange={(event) => event.currentTarget.requestSubmit()}>
          <label htmlFor="unanswered-days" className="visually-hidden">
            Period
          </label>
          <select id="unanswered-days" name="days" className="input select small" defaultValue={String(days)}>
            {WINDOWS.map((value) => (
              <option key={value} value={value}>
                Last {value} days
              </option>
            ))}
          </select>
          <noscript>
            <button type="submit" className="button secondary small">
              Show
            </button>
          </noscript>
        </Form>
      </div>
      {questions.length === 0 ? (
        <EmptyState icon="check" title="Nothing unanswered">
          <p>Every question in the last {days} days found an answer in your documents, and no answer was rated down.</p>
        </EmptyState>
      ) : (
        <section className="card flush" aria-labelledby="unanswered-title">
          <div className="card-header padded">
            <h2 id="unanswered-title" className="card-title">
              {pluralize(questions.length, 'question')}
            </h2>
          </div>
          <ul className="loop-list">
            {questions.map((entry) => (
              <li key={entry.question} className="loop-row" data-reason={entry.reason}>
                <div className="loop-main">
                  <p className="loop-question">{entry.question}</p>
                  <p className="loop-meta">
                    <span className={entry.reason === 'not_found' ? 'badge status-queued' : 'badge status-failed'}>
                      {entry.reason === 'not_found' ? 'Not in your documents' : 'Rated down'}
                    </span>{' '}
                    Asked {pluralize(entry.count, 'time')} in {pluralize(entry.sessionIds.length, 'conversation')} ·
                    last <LocalTime iso={entry.lastAskedAt} mode="relative" />
                  </p>
                  <p className="loop-meta">
                    {entry.sessionIds.slice(0, 3).map((sessionId, index) => (
                      <span key={sessionId}>
                        {index ? ' · ' : ''}
                        <Link to={`/sites/${clientId}/conversations/${encodeURIComponent(sessionId)}`}>
                          Conversation {index + 1}
                        </Link>
                      </span>
                    ))}
                    {entry.sessionIds.length > 3 ? ` and ${entry.sessionIds.length - 3} more` : ''}
                  </p>
                </div>
                <div className="loop-actions">
                  {entry.writtenAnswerId ? (
                    <Link
                      to={`/sites/${clientId}/answers#answer-${entry.writtenAnswerId}`}
                      className="button ghost small"
                    >
                      <Icon name="check" />
                      Answered
                    </Link>
                  ) : (
                    <Link
                      to={`/sites/${clientId}/answers?question=${encodeURIComponent(entry.question)}`}
                      className="button primary small"
                    >
                      <Icon name="sparkle" />
                      Write the answer
                    </Link>
                  )}
                  <Link to={`/sites/${clientId}/documents`} className="button secondary small">
                    <Icon name="upload" />
                    Upload a document
                  </Link>
                </div>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteErrorPanel />;
}
