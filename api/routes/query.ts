import type { Request } from 'express';
import { z } from 'zod';
import { AppError } from '../../core/errors';
import { DOCUMENT_STATUSES } from '../../core/services/documents';

const clientIdQuery = z.object({ clientId: z.string().min(1) });

/**
 * The site a tenant-scoped list is asked for, from `?clientId=` (a non-empty string; a repeated
 * parameter is an array and fails). Ownership is checked by the caller.
 * @throws AppError 400 `invalid_input` when the parameter is missing, empty or repeated.
 */
export function requireClientIdQuery(req: Request): string {
  const parsed = clientIdQuery.safeParse(req.query);
  if (!parsed.success)
    throw new AppError({ code: 'invalid_input', status: 400, message: 'Pass the site as ?clientId=…' });
  return parsed.data.clientId;
}

/** An optional free-text filter: a non-empty string, else (absent, empty, repeated) undefined. */
const optionalText = z.string().min(1).optional().catch(undefined);

/** `GET /feedback`'s filters, passed on as given (the service validates their values). */
export const feedbackQuery = z.object({ rating: optionalText, days: optionalText });

/** A whole number as `Number.parseInt` reads it ("12abc" is 12); absent, unreadable or repeated: undefined. */
const leadingInt = z
  .string()
  .transform((value) => Number.parseInt(value, 10))
  .pipe(z.number().finite())
  .optional()
  .catch(undefined);

/** `GET /documents`: an unknown or repeated `status` lists every status. */
export const documentListQuery = z.object({ status: z.enum(DOCUMENT_STATUSES).optional().catch(undefined) });

/**
 * `GET /chats`: `includeMessages` is on unless exactly `false`; `format` is `csv`, `json` or
 * anything else (plain JSON); `limit`/`offset` default in the route (they depend on `format`).
 */
export const chatListQuery = z.object({
  search: z.string().optional().catch(undefined),
  includeMessages: z.unknown().transform((value) => value !== 'false'),
  format: z.unknown(),
  limit: leadingInt,
  offset: leadingInt,
});

/** `GET /usage`: the window in days (default 30). */
export const usageQuery = z.object({ days: leadingInt });
