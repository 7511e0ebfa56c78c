import net from 'node:net';

/**
 * A loopback TCP proxy in front of a real server, which a test can cut and restore: a database
 * outage without touching the shared PostgreSQL other tests use.
 *
 * `freeze()` is the nastier outage: a network partition. Open connections stay open but nothing
 * passes any more (no FIN, no RST, so the client's socket looks healthy), and new connections are
 * accepted and then never answered. `thaw()` lets new connections through again; the frozen ones
 * stay dead for good, as after a real partition, so only a client that resets its socket recovers.
 */
export async function startTcpProxy({ targetHost, targetPort }: { targetHost: string; targetPort: number }) {
  const sockets = new Set<net.Socket>();
  const live = new Set<{ client: net.Socket; upstream: net.Socket }>();
  let server: net.Server | undefined;
  let port = 0;
  let frozen = false;

  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  const blackhole = (socket: net.Socket) => {
    socket.pause();
    socket.on('error', () => undefined);
  };

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = net.createServer((client) => {
        track(client);
        if (frozen) return blackhole(client);
        const upstream = net.connect(targetPort, targetHost);
        track(upstream);
        const pair = { client, upstream };
        live.add(pair);
        for (const socket of [client, upstream]) {
          socket.on('close', () => live.delete(pair));
          socket.on('error', () => {
            client.destroy();
            upstream.destroy();
          });
        }
        client.pipe(upstream).pipe(client);
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as net.AddressInfo).port;
        resolve();
      });
    });

  await listen();
  return {
    get port() {
      return port;
    },
    /** Refuses new connections and drops the open ones. */
    async cut() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server!.close(() => resolve()));
    },
    restore: listen,
    /** A partition: open connections go silent (never closed), new ones are accepted and never answered. */
    freeze() {
      frozen = true;
      for (const { client, upstream } of live) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        blackhole(client);
        blackhole(upstream);
      }
      live.clear();
    },
    /** New connections pass again; the connections frozen before stay silent until the client drops them. */
    thaw() {
      frozen = false;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => (server?.listening ? server.close(() => resolve()) : resolve()));
    },
  };
}
