import {
  createHash,
  randomBytes,
  randomUUID,
  scrypt as scryptCallback,
  timingSafeEqual,
  type ScryptOptions,
} from 'node:crypto';
import { z } from 'zod';
import type { Knex } from 'knex';
import { AppError } from '../errors';

const scrypt = (password: string, salt: Buffer, keyLength: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCallback(password, salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key))),
  );

// scrypt is memory-hard and ships with Node: N=2^15, r=8 uses 32 MiB per hash.
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEY_LENGTH = 32;
export const SESSION_TTL_DAYS = 14;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEY_LENGTH, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt') return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: SCRYPT.maxmem,
  });
  return timingSafeEqual(actual, expected);
}

// A real hash to compare against when the email is unknown, so both failures take the same time.
const DUMMY_HASH = hashPassword(randomBytes(12).toString('hex'));

export const registerSchema = z.object({
  email: z.string().trim().toLowerCase().email('Enter a valid email address.').max(254),
  password: z.string().min(8, 'Use at least 8 characters for the password.').max(200),
  name: z.string().trim().min(1, 'Enter your name.').max(100),
});

export const loginSchema = z.object({
  email: z.string().trim().toLowerCase().max(254),
  password: z.string().max(200),
});

export interface User {
  id: string;
  email: string;
  name: string;
}

const toUser = (row: { id: string; email: string; name: string }): User => ({
  id: row.id,
  email: row.email,
  name: row.name,
});

export async function registerUser(knex: Knex, input: z.input<typeof registerSchema>): Promise<User> {
  const { email, password, name } = registerSchema.parse(input);
  const passwordHash = await hashPassword(password);
  const id = randomUUID();
  const inserted = await knex('users')
    .insert({ id, email, name, password_hash: passwordHash })
    .onConflict('email')
    .ignore()
    .returning(['id', 'email', 'name']);
  if (inserted.length === 0) {
    throw new AppError({
      code: 'email_taken',
      status: 409,
      message: 'An account with this email already exists. Log in instead.',
    });
  }
  return toUser(inserted[0]);
}

const invalidCredentials = () =>
  new AppError({ code: 'invalid_credentials', status: 401, message: 'The email or password is not right.' });

export async function authenticate(knex: Knex, input: unknown): Promise<User> {
  const parsed = loginSchema.safeParse(input);
  if (!parsed.success) throw invalidCredentials();
  const { email, password } = parsed.data;
  const row = await knex('users').where({ email }).first();
  const ok = row
    ? await verifyPassword(password, row.password_hash)
    : (await verifyPassword(password, await DUMMY_HASH), false);
  if (!row || !ok) throw invalidCredentials();
  return toUser(row);
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');

export interface Session {
  user: User;
  csrfToken: string;
}

/**
 * Starts a session: a fresh random token (the cookie value; only its sha256 is stored) and CSRF
 * token, valid SESSION_TTL_DAYS. `replacing` is the token the browser sent along, if any: that
 * session is revoked in the same transaction, so a login always rotates the session id and a
 * token planted before the login (session fixation) is worth nothing after it.
 */
export async function createSession(
  knex: Knex,
  userId: string,
  { replacing }: { replacing?: string } = {},
): Promise<{ token: string; csrfToken: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(Date.now() + SESSION_TTL_DAYS * 24 * 3600 * 1000);
  await knex.transaction(async (trx) => {
    if (replacing && replacing.length <= 200)
      await trx('user_sessions')
        .where({ id: hashToken(replacing) })
        .delete();
    await trx('user_sessions').insert({
      id: hashToken(token),
      user_id: userId,
      csrf_token: csrfToken,
      expires_at: expiresAt,
    });
  });
  return { token, csrfToken, expiresAt };
}

/**
 * Revokes every session of `userId` (all devices), except the one whose token is `exceptToken`
 * (the caller's own, when it should stay signed in). For password changes and account deletion.
 * @returns the number of sessions revoked.
 */
export async function revokeAllSessions(
  knex: Knex,
  userId: string,
  { exceptToken }: { exceptToken?: string } = {},
): Promise<number> {
  const query = knex('user_sessions').where({ user_id: userId });
  if (exceptToken) query.whereNot({ id: hashToken(exceptToken) });
  return query.delete();
}

export async function getSession(knex: Knex, token: string | undefined): Promise<Session | null> {
  if (!token || token.length > 200) return null;
  const row = await knex('user_sessions as s')
    .join('users as u', 'u.id', 's.user_id')
    .where('s.id', hashToken(token))
    .andWhere('s.expires_at', '>', knex.fn.now())
    .first('u.id', 'u.email', 'u.name', 's.csrf_token');
  return row ? { user: toUser(row), csrfToken: row.csrf_token } : null;
}

export async function destroySession(knex: Knex, token: string | undefined): Promise<void> {
  if (!token) return;
  await knex('user_sessions')
    .where({ id: hashToken(token) })
    .delete();
}
