import { Link, isRouteErrorResponse, useRouteError } from '@remix-run/react';
import { Icon } from './icons';

/** What went wrong, in words a site owner can act on; shared by every route's ErrorBoundary. */
export function describeRouteError(error: unknown): { status: number | null; title: string; message: string } {
  if (isRouteErrorResponse(error)) {
    const detail = typeof error.data === 'string' && error.data.trim() ? error.data : null;
    if (error.status === 404)
      return {
        status: 404,
        title: 'Not found',
        message: detail ?? 'This page does not exist, or it belongs to another account.',
      };
    if (error.status === 403)
      return {
        status: 403,
        title: 'Not allowed',
        message: detail ?? 'This request was refused. Reload the page and try again.',
      };
    if (error.status === 401)
      return {
        status: 401,
        title: 'Please log in',
        message: detail ?? 'Your session has ended. Log in again to continue.',
      };
    return {
      status: error.status,
      title: error.statusText || 'Something went wrong',
      message: detail ?? 'The server could not complete this request. Try again in a moment.',
    };
  }
  // Production builds replace server error details with a generic text; say something useful instead.
  return {
    status: null,
    title: 'Something went wrong',
    message:
      'This page could not be shown. Try again in a moment; if it keeps happening, the server logs have the details.',
  };
}

export function RouteErrorPanel({
  backTo = '/sites',
  backLabel = 'Back to your sites',
}: {
  backTo?: string;
  backLabel?: string;
}) {
  const error = useRouteError();
  const { status, title, message } = describeRouteError(error);
  return (
    <section className="error-panel" role="alert" aria-labelledby="error-title">
      <div className="error-icon">
        <Icon name="alert" size={20} />
      </div>
      <div>
        <h1 id="error-title" className="error-title">
          {title}
          {status ? <span className="error-status"> · {status}</span> : null}
        </h1>
        <p className="error-message">{message}</p>
        <div className="button-row">
          <Link to={backTo} className="button secondary">
            {backLabel}
          </Link>
          <button type="button" className="button ghost" onClick={() => window.location.reload()}>
            Reload
          </button>
        </div>
      </div>
    </section>
  );
}
