import type { Knex } from 'knex';
import type { RateLimiter } from '../adapters/rate-limit/limiter';
import { AppError } from '../errors';
import { authenticate, type User } from './auth';

/** A refused login attempt: 429, with the seconds to wait for a `Retry-After` header. */
export class TooManyLoginAttemptsError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    const minutes = Math.ceil(retryAfterSeconds / 60);
    super({
      code: 'too_many_attempts',
      status: 429,
      message: `Too many login attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
    });
    this.name = 'TooManyLoginAttemptsError';
  }
}

/** The limiter keys of one attempt: per account (normalised email) and per client address. */
export const loginThrottleKeys = (email: string, clientAddress: string | undefined) => [
  `email:${email.trim().toLowerCase()}`,
  `ip:${clientAddress ?? 'unknown'}`,
];

/**
 * Password login behind the login limiter, shared by `POST /api/auth/login` and the dashboard's
 * form (`POST /login`), so both count against the same per-account and per-address budgets.
 *
 * Consume first, then check: every attempt spends a point on both keys before the password is
 * looked at, so N parallel guesses can never all be evaluated (the check-then-consume order let
 * 40 parallel wrong passwords through). A successful login gives its points back, so people who
 * type their password right are never locked out by their own logins.
 *
 * @param input `{email, password}` as sent (validated by `authenticate`).
 * @param clientAddress the client's IP as Express judged it (`req.ip`, which honours TRUST_PROXY).
 * @throws TooManyLoginAttemptsError (429) when either key's budget is spent;
 *         AppError `invalid_credentials` (401) from `authenticate`.
 */
export async function authenticateThrottled(
  knex: Knex,
  limiter: RateLimiter,
  input: { email?: unknown; password?: unknown },
  clientAddress: string | undefined,
): Promise<User> {
  const email = typeof input.email === 'string' ? input.email : '';
  const keys = loginThrottleKeys(email, clientAddress);
  const decisions = await Promise.all(keys.map((key) => limiter.consume(key)));
  const refused = decisions.filter((decision) => !decision.allowed);
  if (refused.length)
    throw new TooManyLoginAttemptsError(Math.max(...refused.map((decision) => decision.retryAfterSeconds)));
  const user = await authenticate(knex, input);
  await Promise.all(keys.map((key) => limiter.reward(key).catch(() => undefined)));
  return user;
}
