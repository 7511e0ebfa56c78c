import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The floor for time to first token: a bare node:http handler that reads the JSON body and
 * writes one SSE token at once. With `x-hold: 1` it then keeps the stream open until the client
 * leaves (the floor for streams held); otherwise it ends the stream.
 */
export async function startBareSseServer({
  host = '127.0.0.1',
  port = 0,
}: { host?: string; port?: number } = {}): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      response.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      });
      response.socket?.setNoDelay(true);
      response.write('event: token\ndata: {"text":"Hello"}\n\n');
      if (request.headers['x-hold'] === '1') return;
      response.end('event: done\ndata: {}\n\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const { port: boundPort } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${boundPort}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
