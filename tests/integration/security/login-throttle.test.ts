import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../../setup/stack';
import { TestClient } from '../../http';
import { signUpAdmin } from '../../factories';

// Each test speaks from its own made-up client address (X-Forwarded-For, trusted with TRUST_PROXY),
// so the shared Redis counters of other test runs on 127.0.0.1 are never touched.
const freshAddress = () => `10.${[0, 0, 0].map(() => Math.floor(Math.random() * 250) + 1).join('.')}`;

describe('login throttling (API and dashboard form share one limiter)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ dashboard: 'build', worker: false, env: { TRUST_PROXY: 'true' } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('cannot be raced: of 40 parallel wrong passwords at most 10 are evaluated, and the right one is refused after', async () => {
    const { email } = await signUpAdmin(stack.url);
    const headers = { 'x-forwarded-for': freshAddress() };
    const attempts = await Promise.all(
      Array.from({ length: 40 }, () =>
        new TestClient(stack.url).post('/api/auth/login', { email, password: 'wrong password!' }, { headers }),
      ),
    );
    const evaluated = attempts.filter((attempt) => attempt.status === 401);
    const refused = attempts.filter((attempt) => attempt.status === 429);
    expect(evaluated.length + refused.length).toBe(40);
    expect(evaluated.length).toBeLessThanOrEqual(10);
    expect(Number(refused[0].headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused[0].data.error.code).toBe('too_many_attempts');

    // The right password, even from another address, does not get in while the account is throttled.
    const right = await new TestClient(stack.url).post(
      '/api/auth/login',
      { email, password: 'correct horse battery' },
      { headers: { 'x-forwarded-for': freshAddress() } },
    );
    expect(right.status).toBe(429);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
    // …and neither through the dashboard's form.
    const form = await formLogin(stack.url, email, 'correct horse battery', freshAddress());
    expect(form.status).toBe(429);
    expect(form.headers.get('set-cookie')).toBeNull();
  });

  it('throttles the dashboard form per client address: 15 different emails from one address', async () => {
    const address = freshAddress();
    const statuses: number[] = [];
    for (let index = 0; index < 15; index++) {
      const response = await formLogin(
        stack.url,
        `nobody-${randomUUID().slice(0, 8)}@example.com`,
        'some password',
        address,
      );
      statuses.push(response.status);
    }
    expect(statuses.slice(0, 10).every((status) => status === 200)).toBe(true);
    expect(statuses.slice(10).every((status) => status === 429)).toBe(true);
    // The same address is throttled on the API too (one limiter), while another address is not.
    const api = await new TestClient(stack.url).post(
      '/api/auth/login',
      { email: 'someone@example.com', password: 'x' },
      { headers: { 'x-forwarded-for': address } },
    );
    expect(api.status).toBe(429);
    expect(api.headers.get('retry-after')).toMatch(/^\d+$/);
    const elsewhere = await new TestClient(stack.url).post(
      '/api/auth/login',
      { email: 'someone@example.com', password: 'x' },
      { headers: { 'x-forwarded-for': freshAddress() } },
    );
    expect(elsewhere.status).toBe(401);
  });

  it('lets a person who types the right password keep logging in', async () => {
    const { email } = await signUpAdmin(stack.url);
    const headers = { 'x-forwarded-for': freshAddress() };
    for (let index = 0; index < 12; index++) {
      expect(
        (
          await new TestClient(stack.url).post(
            '/api/auth/login',
            { email, password: 'correct horse battery' },
            { headers },
          )
        ).status,
      ).toBe(200);
    }
  });
});

/** What a browser without JavaScript sends for the dashboard's login form. */
async function formLogin(baseUrl: string, email: string, password: string, address: string) {
  return fetch(new URL('/login', baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': address },
    body: new URLSearchParams({ email, password, redirectTo: '' }),
    redirect: 'manual',
  });
}
