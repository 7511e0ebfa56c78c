import http from 'node:http';
import type { Metrics } from '../core/metrics';

export interface MetricsServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * The operators' Prometheus endpoint, on its own port (`METRICS_PORT`, bound to `METRICS_HOST`,
 * 127.0.0.1 by default): the metrics carry every tenant's client id and request counts, so they
 * are never served on the public port. Answers `GET /metrics` (text exposition format) and 404
 * for anything else. `port: 0` takes any free port (tests).
 */
export async function startMetricsServer({
  metrics,
  port,
  host,
}: {
  metrics: Metrics;
  port: number;
  host: string;
}): Promise<MetricsServer> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if ((req.method === 'GET' || req.method === 'HEAD') && path === '/metrics') {
      metrics.registry.metrics().then(
        (body) => {
          res.writeHead(200, { 'Content-Type': metrics.registry.contentType, 'Cache-Control': 'no-store' });
          res.end(req.method === 'HEAD' ? undefined : body);
        },
        () => {
          res.writeHead(500, { 'Content-Type': 'text/plain' }).end('metrics could not be collected\n');
        },
      );
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found: this port serves GET /metrics only\n');
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actualPort = (server.address() as { port: number }).port;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${actualPort}/metrics`,
    port: actualPort,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
