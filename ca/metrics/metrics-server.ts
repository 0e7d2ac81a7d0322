import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log.js';
import type { Registry } from 'prom-client';

/**
 * Serves `GET /metrics` of a registry (the CA's, the gateway's) in the Prometheus
 * text format on `address` (host:port; port 0 picks one). Resolves once it
 * listens, with the bound address and a close().
 * Plain HTTP: bind it to loopback or a monitoring network.
 *
 * @example const { address, close } = await serveMetrics(metrics, '127.0.0.1:9090', log);
 */
export async function serveMetrics(metrics: { readonly registry: Registry }, address: string, log: Logger): Promise<{ address: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: GET /metrics\n');
      return;
    }
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      (err: unknown) => {
        log.error({ err }, 'collecting metrics failed');
        res.writeHead(500).end();
      },
    );
  });
  const at = address.lastIndexOf(':');
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(address.slice(at + 1)), address.slice(0, at).replace(/^\[(.*)\]$/, '$1'), () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    address: `${address.slice(0, at)}:${port}`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
