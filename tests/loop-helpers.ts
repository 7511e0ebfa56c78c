import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Polls `check` until it returns a truthy value (generous deadline: the machine is shared). */
export async function eventually<T>(
  check: () => Promise<T>,
  what: string,
  timeoutMs = 60_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A webhook receiver that verifies signatures and fails the first `failFirst` deliveries with 500. */
export async function startReceiver(failFirst = 0) {
  const received: Array<{ body: string; signature: string | undefined; status: number }> = [];
  let secret = '';
  const server: Server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (part) => parts.push(part));
    req.on('end', () => {
      const body = Buffer.concat(parts).toString('utf8');
      const status = received.length < failFirst ? 500 : 200;
      received.push({ body, signature: req.headers['x-chatconnect-signature'] as string | undefined, status });
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/chatconnect`,
    received,
    setSecret: (value: string) => {
      secret = value;
    },
    verify: (body: string, signature: string | undefined) => {
      const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
      const actual = Buffer.from(signature ?? '');
      return actual.length === expected.length && timingSafeEqual(actual, expected);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
