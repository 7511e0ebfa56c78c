import type { Request } from 'express';
import { z } from 'zod';
import { AppError } from '../../core/errors';

const clientIdQuery = z.object({ clientId: z.string().min(1) });

/**
 * The site a tenant-scoped list is asked for, from `?clientId=` (a non-empty string; a repeated
 * parameter is an array and fails). Ownership is checked by the caller.
 * @throws AppError 400 `invalid_input` when the parameter is missing, empty or repeated.
 */
export function requireClientIdQuery(req: Request): string {
  const parsed = clientIdQuery.safeParse(req.query);
  if (!parsed.success) throw new AppError({ code: 'invalid_input', status: 400, message: 'Pass the site as ?clientId=…' });
  return parsed.data.clientId;
}

/** An optional free-text filter: a non-empty string, else (absent, empty, repeated) undefined. */
const optionalText = z.string().min(1).optional().catch(undefined);

/** `GET /feedback`'s filters, passed on as given (the service validates their values). */
export const feedbackQuery = z.object({ rating: optionalText, days: optionalText });
