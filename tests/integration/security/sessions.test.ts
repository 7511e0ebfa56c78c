import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokeAllSessions } from '../../../core/services/auth';
import { startTestStack, type TestStack } from '../../setup/stack';
import { signUpAdmin } from '../../factories';
import { TestClient } from '../../http';

const PASSWORD = 'correct horse battery';
const cookieValue = (setCookie: string[], name: string) =>
  setCookie
    .map((line) => line.split(';')[0])
    .find((pair) => pair.startsWith(`${name}=`))
    ?.slice(name.length + 1);
/** A fresh account and the session token its sign-up set. */
async function register(url: string, name = 'Ada') {
  const email = `admin-${crypto.randomUUID().slice(0, 8)}@example.com`;
  const response = await new TestClient(url).post('/api/auth/register', { email, password: PASSWORD, name });
  expect(response.status).toBe(201);
  return { email, token: cookieValue(response.headers.getSetCookie(), 'cc_session')! };
}
const me = (url: string, cookie: string, headers: Record<string, string> = {}) =>
  fetch(new URL('/api/auth/me', url), { headers: { cookie, ...headers } });

describe('dashboard sessions', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ dashboard: 'build', worker: false, env: { TRUST_PROXY: 'true' } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('rotates the session id on API login and revokes the one held before', async () => {
    const { email, token: before } = await register(stack.url);
    expect((await me(stack.url, `cc_session=${before}`)).status).toBe(200);
    const login = await new TestClient(stack.url).post(
      '/api/auth/login',
      { email, password: PASSWORD },
      { headers: { cookie: `cc_session=${before}` } },
    );
    expect(login.status).toBe(200);
    const after = cookieValue(login.headers.getSetCookie(), 'cc_session')!;
    expect(after).toBeTruthy();
    expect(after).not.toBe(before);
    expect((await me(stack.url, `cc_session=${before}`)).status).toBe(401);
    expect((await me(stack.url, `cc_session=${after}`)).status).toBe(200);
  });

  it('rotates on the dashboard form login too (a planted session is worthless afterwards)', async () => {
    const { email } = await signUpAdmin(stack.url);
    // An attacker's own session, planted in the victim's browser before the victim logs in.
    const { token: planted } = await register(stack.url, 'Mallory');
    const response = await fetch(new URL('/login', stack.url), {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: `cc_session=${planted}`,
        'x-forwarded-for': '10.99.1.1',
      },
      body: new URLSearchParams({ email, password: PASSWORD, redirectTo: '/sites' }),
      redirect: 'manual',
    });
    expect(response.status).toBe(302);
    const fresh = cookieValue(response.headers.getSetCookie(), 'cc_session')!;
    expect(fresh).toBeTruthy();
    expect(fresh).not.toBe(planted);
    expect((await me(stack.url, `cc_session=${planted}`)).status).toBe(401);
    expect((await (await me(stack.url, `cc_session=${fresh}`)).json()).user.email).toBe(email);
  });

  it('names the cookie __Host-cc_session over HTTPS (Secure, Path=/, no Domain) and reads only that name there', async () => {
    const { email } = await signUpAdmin(stack.url);
    const https = { 'x-forwarded-proto': 'https' };
    const login = await new TestClient(stack.url).post(
      '/api/auth/login',
      { email, password: PASSWORD },
      { headers: https },
    );
    expect(login.status).toBe(200);
    const [line] = login.headers.getSetCookie();
    expect(line).toMatch(/^__Host-cc_session=/);
    expect(line).toMatch(/;\s*Secure/i);
    expect(line).toMatch(/;\s*Path=\/(;|$)/i);
    expect(line).not.toMatch(/Domain=/i);
    const token = cookieValue([line], '__Host-cc_session')!;
    expect((await me(stack.url, `__Host-cc_session=${token}`, https)).status).toBe(200);
    // A cookie without the prefix could have been set by a sibling subdomain: not accepted over HTTPS.
    expect((await me(stack.url, `cc_session=${token}`, https)).status).toBe(401);

    const form = await fetch(new URL('/login', stack.url), {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-forwarded-proto': 'https',
        'x-forwarded-for': '10.99.1.2',
      },
      body: new URLSearchParams({ email, password: PASSWORD, redirectTo: '' }),
      redirect: 'manual',
    });
    expect(form.status).toBe(302);
    expect(form.headers.getSetCookie()[0]).toMatch(/^__Host-cc_session=.*;\s*Secure/i);
    const logout = await new TestClient(stack.url).post('/api/auth/logout', undefined, {
      headers: { ...https, cookie: `__Host-cc_session=${token}` },
    });
    expect(logout.headers.getSetCookie()[0]).toMatch(/^__Host-cc_session=;.*Max-Age=0/i);
    expect((await me(stack.url, `__Host-cc_session=${token}`, https)).status).toBe(401);
  });

  it('revokeAllSessions (password change, account deletion) ends every session of the account', async () => {
    const { admin, email, user } = await signUpAdmin(stack.url);
    const second = new TestClient(stack.url);
    expect((await second.post('/api/auth/login', { email, password: PASSWORD })).status).toBe(200);
    const { admin: other } = await signUpAdmin(stack.url, 'Other');
    expect(await revokeAllSessions(stack.container.db.knex, user.id)).toBe(2);
    expect((await admin.get('/api/auth/me')).status).toBe(401);
    expect((await second.get('/api/auth/me')).status).toBe(401);
    expect((await other.get('/api/auth/me')).status).toBe(200);
  });
});
