import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { listFeedback } from '../../../core/services/feedback';
import { EmptyState } from '../components/empty-state';
import { Icon } from '../components/icons';
import { LocalTime } from '../components/local-time';
import { RouteErrorPanel } from '../components/route-error';
import { useLiveConversations } from '../components/use-live-conversations';
import { requireOwnedClient } from '../context.server';
import { pluralize } from '../lib/format';

export const meta: MetaFunction = () => [{ title: 'Feedback · ChatConnect' }];

export async function loader({ context, params, request }: LoaderFunctionArgs) {
  const client = await requireOwnedClient(context, params.clientId, request);
  const url = new URL(request.url);
  const rating = ['up', 'down'].includes(url.searchParams.get('rating') ?? '')
    ? (url.searchParams.get('rating') as 'up' | 'down')
    : undefined;
  const days = ['7', '30', '90'].includes(url.searchParams.get('days') ?? '')
    ? url.searchParams.get('days')!
    : undefined;
  const feedback = await listFeedback(context.container.db.knex, { clientId: client.id, rating, days });
  return { clientId: client.id, rating: rating ?? '', days: days ?? '', feedback };
}

export default function Feedback() {
  const { clientId, rating, days, feedback } = useLoaderData<typeof loader>();
  useLiveConversations(clientId);
  const up = feedback.filter((entry) => entry.rating === 'up').length;
  return (
    <div className="stack-lg">
      <div className="section-header">
        <div>
          <h1 className="section-heading">Feedback</h1>
          <p className="muted">
            How visitors rated the answers. Answers rated down also appear under Unanswered, where you can write a
            better one.
          </p>
        </div>
        <Form method="get" className="filter-row" onChange={(event) => event.currentTarget.requestSubmit()}>
          <label htmlFor="feedback-rating" className="visually-hidden">
            Rating
          </label>
          <select id="feedback-rating" name="rating" className="input select small" defaultValue={rating}>
            <option value="">All ratings</option>
            <option value="up">Helpful</option>
            <option value="down">Not helpful</option>
          </select>
          <label htmlFor="feedback-days" className="visually-hidden">
            Period
          </label>
          <select id="feedback-days" name="days" className="input select small" defaultValue={days}>
            <option value="">Any time</option>
            <option value="7">Last 7 days</option>
            <option value="30">Last 30 days</option>
            <option value="90">Last 90 days</option>
          </select>
          <noscript>
            <button type="submit" className="button secondary small">
              Filter
            </button>
          </noscript>
        </Form>
      </div>
      {feedback.length === 0 ? (
        <EmptyState icon="thumbUp" title={rating || days ? 'No ratings match the filter' : 'No ratings yet'}>
          <p>Visitors rate answers with the thumbs under each reply in the widget.</p>
        </EmptyState>
      ) : (
        <section className="card flush" aria-labelledby="feedback-title">
          <div className="card-header padded">
            <h2 id="feedback-title" className="card-title">
              {pluralize(feedback.length, 'rating')} · {up} helpful, {feedback.length - up} not helpful
            </h2>
          </div>
          <ul className="loop-list">
            {feedback.map((entry) => (
              <li key={entry.messageId} className="loop-row" data-rating={entry.rating}>
                <span
                  className={`loop-rating ${entry.rating}`}
                  aria-label={entry.rating === 'up' ? 'Helpful' : 'Not helpful'}
                  role="img"
                >
                  <Icon name={entry.rating === 'up' ? 'thumbUp' : 'thumbDown'} size={18} />
                </span>
                <div className="loop-main">
                  <p className="loop-question">{entry.question}</p>
                  <p className="loop-answer">{entry.answer}</p>
                  {entry.comment ? <p className="loop-comment">“{entry.comment}”</p> : null}
                  <p className="loop-meta">
                    <LocalTime iso={entry.createdAt} mode="relative" /> ·{' '}
                    <Link to={`/sites/${clientId}/conversations/${encodeURIComponent(entry.sessionId)}`}>
                      Open the conversation
                    </Link>
                  </p>
                </div>
                {entry.rating === 'down' ? (
                  <div className="loop-actions">
                    <Link
                      to={`/sites/${clientId}/answers?question=${encodeURIComponent(entry.question)}`}
                      className="button secondary small"
                    >
                      <Icon name="sparkle" />
                      Write the answer
                    </Link>
                  </div>
                ) : null}
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
