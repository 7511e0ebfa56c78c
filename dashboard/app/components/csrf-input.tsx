import { useRouteLoaderData } from '@remix-run/react';

export const SITES_LAYOUT_ROUTE_ID = 'routes/sites';

/** The session's CSRF token, read from the signed-in layout's loader, for every form that changes something. */
export function useCsrfToken(): string {
  const data = useRouteLoaderData<{ csrfToken: string }>(SITES_LAYOUT_ROUTE_ID);
  return data?.csrfToken ?? '';
}

export function CsrfInput() {
  return <input type="hidden" name="csrf" value={useCsrfToken()} />;
}
