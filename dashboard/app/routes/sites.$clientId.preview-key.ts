import type { ActionFunctionArgs } from '@remix-run/node';
import { announceClientChange, createPreviewKey } from '../../../core/services/clients';
import { requireCsrf, requireOwnedClient } from '../context.server';

/**
 * A fresh preview key for the widget editor, fetched once per page view. Preview keys also work
 * from the dashboard's own origin; making one revokes the older ones, so at most one is live.
 */
export async function action({ context, params, request }: ActionFunctionArgs) {
  const client = await requireOwnedClient(context, params.clientId);
  const formData = await request.formData();
  requireCsrf(formData, context);
  const { apiKey } = await createPreviewKey(context.container.db.knex, { clientId: client.id });
  await announceClientChange(context.container.invalidation, client.id);
  return Response.json({ apiKey }, { status: 201, headers: { 'Cache-Control': 'no-store' } });
}

export function loader() {
  throw new Response('Request a preview key with POST.', { status: 405, headers: { Allow: 'POST' } });
}
