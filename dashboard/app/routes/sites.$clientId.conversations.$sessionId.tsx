import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData, useParams } from '@remix-run/react';
import { getChatSession } from '../../../core/services/conversations';
import { Icon } from '../components/icons';
import { LocalTime } from '../components/local-time';
import { RouteErrorPanel } from '../components/route-error';
import { useLiveConversations } from '../components/use-live-conversations';
import { notFoundResponse, requireOwnedClient } from '../context.server';
import { formatInteger, pluralize } from '../lib/format';
import { sourceLabels } from '../lib/sources';

export const meta: MetaFunction = () => [{ title: 'Conversation · ChatConnect' }];

export async function loader({ context, params, request }: LoaderFunctionArgs) {
  const client = await requireOwnedClient(context, params.clientId, request);
  const sessionId = params.sessionId ?? '';
  const session =
    sessionId.length <= 200
      ? await getChatSession(context.container.db.knex, { clientId: client.id, sessionId })
      : null;
  if (!session) throw notFoundResponse('This conversation does not exist, or it belongs to another site.');
  return {
    clientId: client.id,
    session: {
      ...session,
      messages: (session.messages ?? []).map((message) => ({ ...message, sources: sourceLabels(message.sources) })),
    },
  };
}

export default function Transcript() {
  const { clientId, session } = useLoaderData<typeof loader>();
  useLiveConversations(clientId);
  const messages = session.messages;
  const tokens = messages.reduce((sum, message) => sum + message.tokensIn + message.tokensOut, 0);
  return (
    <div className="stack-lg">
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <Link to={`/sites/${clientId}/conversations`}>Conversations</Link>
        <Icon name="chevronRight" />
        <span aria-current="page">Transcript</span>
      </nav>
      <div className="section-header">
        <div>
          <h1 className="section-heading">{session.firstQuestion ?? 'Conversation'}</h1>
          <p className="muted">
            {pluralize(session.messageCount, 'question')} · started <LocalTime iso={session.startedAt} /> ·{' '}
            {formatInteger(tokens)} tokens
          </p>
        </div>
      </div>
      <ol className="transcript" aria-label="Transcript">
        {messages.map((message) => (
          <li key={message.messageId} className="turn">
            <div className="bubble visitor">
              <span className="bubble-who">Visitor</span>
              <p className="bubble-text">{message.question}</p>
            </div>
            <div className={message.status === 'ok' ? 'bubble assistant' : 'bubble assistant problem'}>
              <span className="bubble-who">
                Assistant
                {message.status !== 'ok' ? (
                  <span className="badge status-failed">{message.status === 'aborted' ? 'Stopped' : 'Error'}</span>
                ) : null}
              </span>
              <p className="bubble-text">{message.answer || <span className="muted">No answer was given.</span>}</p>
              {message.sources.length ? (
                <div className="sources">
                  <span className="sources-label">Sources</span>
                  <ul className="source-list">
                    {message.sources.map((source) => (
                      <li key={source.key} className="source-chip" title={source.snippet ?? undefined}>
                        <Icon name="file" size={14} />
                        <span>
                          {source.filename}
                          {source.page ? <span className="muted"> · p. {source.page}</span> : null}
                        </span>
                      </li>
                    ))}
                  </ul>
                </div>
              ) : message.status === 'ok' ? (
                <p className="sources-none">No sources: the documents did not cover this question.</p>
              ) : null}
              {message.feedback ? (
                <p className={`bubble-feedback ${message.feedback.rating}`}>
                  <Icon name={message.feedback.rating === 'up' ? 'thumbUp' : 'thumbDown'} size={14} />
                  {message.feedback.rating === 'up'
                    ? 'The visitor found this helpful'
                    : 'The visitor found this not helpful'}
                  {message.feedback.comment ? `: “${message.feedback.comment}”` : ''}
                </p>
              ) : null}
              <p className="bubble-meta">
                <LocalTime iso={message.createdAt} /> · {message.model} · {formatInteger(message.tokensIn)} in /{' '}
                {formatInteger(message.tokensOut)} out
                {message.cachedTokens ? ` · ${formatInteger(message.cachedTokens)} cached` : ''} ·{' '}
                {(message.latencyMs / 1000).toFixed(1)} s
              </p>
            </div>
          </li>
        ))}
      </ol>
    </div>
  );
}

export function ErrorBoundary() {
  const { clientId } = useParams();
  return <RouteErrorPanel backTo={`/sites/${clientId}/conversations`} backLabel="Back to conversations" />;
}
