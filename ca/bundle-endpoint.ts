/**
 * The SPIFFE bundle endpoint, `https_web` profile (SPIFFE Trust Domain and
 * Bundle, section 5): HTTPS with a server certificate from the web PKI (the
 * operator provides it), GET returns the trust bundle as a SPIFFE bundle
 * document. Other SPIFFE deployments federate with this trust domain by fetching it.
 */
import { readFile } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { toSpiffeBundle } from '../agent-sdk/spiffe-bundle.js';
import type { Authority } from './authority/authority.js';
import { BUNDLE_REFRESH_SECONDS } from './api/wire.js';

/** A running bundle endpoint. */
export interface BundleEndpoint {
  /** host:port it listens on. */
  readonly address: string;
  close(): Promise<void>;
}

/**
 * Starts the endpoint on `address` with the certificate chain and key in the
 * given PEM files; resolves once it listens. Any GET path serves the document.
 *
 * @throws whatever reading the files or listening throws.
 * @example const endpoint = await startBundleEndpoint({ address: '0.0.0.0:8443', certFile, keyFile }, authority);
 */
export async function startBundleEndpoint(
  params: { address: string; certFile: string; keyFile: string }, authority: Pick<Authority, 'bundle' | 'jwtBundle'>,
): Promise<BundleEndpoint> {
  const [cert, key] = await Promise.all([readFile(params.certFile), readFile(params.keyFile)]);
  const server = https.createServer({ cert, key }, (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const body = JSON.stringify(toSpiffeBundle(authority.bundle, authority.jwtBundle, BUNDLE_REFRESH_SECONDS));
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(req.method === 'HEAD' ? undefined : body);
  });
  const at = params.address.lastIndexOf(':');
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(params.address.slice(at + 1)), params.address.slice(0, at).replace(/^\[(.*)\]$/, '$1'), () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    address: `${params.address.slice(0, at)}:${port}`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
