import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBareSseServer } from './bare-sse-server';
import { createBenchAgent, openSseStream, SseEventParser } from './sse-client';

describe('SseEventParser', () => {
  it('frames events across arbitrary chunk boundaries, skipping comments', () => {
    const parser = new SseEventParser();
    expect(parser.push(': heartbeat\n\nevent: meta\ndata: {"a"')).toEqual([]);
    expect(parser.push(':1}\n\nevent: token\r\ndata: {"text":"hi"}\r\n\r\ndata: plain\n')).toEqual([
      { event: 'meta', data: '{"a":1}' },
      { event: 'token', data: '{"text":"hi"}' },
    ]);
    expect(parser.push('data: second line\n\n')).toEqual([{ event: 'message', data: 'plain\nsecond line' }]);
  });
});

describe('openSseStream', () => {
  let bare: Awaited<ReturnType<typeof startBareSseServer>>;
  const slow = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      if (request.url === '/refuse') {
        response.writeHead(429, { 'content-type': 'application/json' });
        response.end('{"error":{"code":"rate_limited"}}');
        return;
      }
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('event: meta\ndata: {}\n\n');
      setTimeout(() => response.write('event: token\ndata: {"text":"late"}\n\n'), 150);
      setTimeout(() => response.end('event: done\ndata: {"usage":{"model":"m"}}\n\n'), 200);
    });
  });
  let slowUrl: string;

  beforeAll(async () => {
    bare = await startBareSseServer();
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    slowUrl = `http://127.0.0.1:${(slow.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await bare.close();
    slow.closeAllConnections();
    await new Promise((resolve) => slow.close(resolve));
  });

  it('resolves at the first token event, not at the first byte, and keeps reading to the end', async () => {
    const opened = await openSseStream(slowUrl, { body: { message: 'hi' } });
    expect(opened.status).toBe(200);
    expect(opened.ttftMs).toBeGreaterThanOrEqual(140);
    const finished = await opened.finished;
    expect(finished.events).toEqual(['meta', 'token', 'done']);
    expect(JSON.parse(finished.doneData!).usage.model).toBe('m');
    expect(finished.totalMs).toBeGreaterThanOrEqual(opened.ttftMs!);
  });

  it('reports a refusal as opened with no token', async () => {
    const opened = await openSseStream(`${slowUrl}/refuse`, { body: {} });
    expect(opened).toMatchObject({ status: 429, ttftMs: null });
    await opened.finished;
  });

  it('holds a bare stream open until cancelled, over a shared keep-alive agent', async () => {
    const agent = createBenchAgent();
    const held = await openSseStream(bare.url, { body: {}, headers: { 'x-hold': '1' }, agent });
    expect(held.ttftMs).not.toBeNull();
    const stillOpen = await Promise.race([
      held.finished.then(() => 'ended'),
      new Promise((resolve) => setTimeout(() => resolve('open'), 100)),
    ]);
    expect(stillOpen).toBe('open');
    held.cancel();
    expect((await held.finished).tokens).toBe(1);
    const quick = await openSseStream(bare.url, { body: {}, agent });
    expect((await quick.finished).events).toEqual(['token', 'done']);
    agent.destroy();
  });

  it('rejects when nothing listens', async () => {
    await expect(openSseStream('http://127.0.0.1:1/', { body: {} })).rejects.toThrow();
  });
});
