/**
 * The console's listener. Without operators it is plain HTTP on loopback only
 * (the configuration refuses anything else), and answers only requests whose
 * Host names a loopback address, so a web page elsewhere cannot reach it by
 * DNS rebinding. With operators it is HTTPS with the CA's own server SVID and
 * requires a client SVID chained to the trust bundle whose SPIFFE ID is one of
 * them (the SDK's hookMtlsServer and authorizeOneOf); refusals of a peer that
 * holds a valid SVID are audited.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { authorizeOneOf } from '../../agent-sdk/authorizer.js';
import type { X509BundleSource } from '../../agent-sdk/bundle.js';
import { TesseraError } from '../../agent-sdk/errors.js';
import type { X509SvidSource } from '../../agent-sdk/svid.js';
import { hookMtlsServer } from '../../agent-sdk/tls.js';
import type { Logger } from '../log.js';
import { type ConsoleConfig, isLoopbackHost } from './config.js';
import { ChainVerification } from './data/audit.js';
import type { ConsoleEvents } from './events.js';
import { SECURITY_HEADERS } from './headers.js';
import { consoleRouter } from './router.js';
import type { ConsoleSources } from './sources.js';

export interface ConsoleServer {
  /** host:port it listens on, and the URL to open. */
  readonly address: string;
  readonly url: string;
  /** Ends the live streams and every connection. */
  close(): Promise<void>;
}

/**
 * Starts the console and resolves once it listens.
 *
 * @throws {TesseraError} ERR_CONFIG_INVALID for a non-loopback address without operators
 *   (validateConfig refuses that first); the listen error when the port is taken.
 * @example const console = await startConsole({ config: config.console, sources, events, svid: serverSvid, log });
 */
export async function startConsole(params: {
  config: ConsoleConfig; sources: ConsoleSources; events: ConsoleEvents; svid: X509SvidSource & X509BundleSource; log: Logger;
}): Promise<ConsoleServer> {
  const { config, sources, events, svid, log } = params;
  const at = config.address.lastIndexOf(':');
  const host = config.address.slice(0, at);
  const mtls = config.operators.length > 0;
  if (!mtls && !isLoopbackHost(host)) throw new TesseraError('ERR_CONFIG_INVALID', 'console.address: not loopback and no console.operators');
  const route = consoleRouter(sources, events, new ChainVerification(sources.ctx.store), log);
  let server: http.Server;
  if (mtls) {
    server = hookMtlsServer(https.createServer(route), svid, svid, authorizeOneOf(...config.operators), { revocations: sources.revocations });
    server.on('peerRejected', (err: TesseraError, socket: TLSSocket) => {
      log.warn({ code: err.code, remoteAddress: socket.remoteAddress }, 'console: a peer was refused');
      if (err.code !== 'ERR_PEER_UNAUTHORIZED') return;
      // Only a peer with a valid SVID of this trust domain gets this far; one record per refusal.
      sources.ctx.journal.record({ operation: 'console.access' }, 'denied', err.code).catch((cause: unknown) => log.error({ err: cause }, 'auditing a console refusal failed'));
    });
  } else {
    server = http.createServer((req, res) => {
      if (!isLoopbackHost(hostOf(req.headers.host))) {
        res.writeHead(421, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' }).end('the console answers only to a loopback host name\n');
        return;
      }
      route(req, res);
    });
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(config.address.slice(at + 1)), host.replace(/^\[(.*)\]$/, '$1'), () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = `${host}:${(server.address() as AddressInfo).port}`;
  return {
    address,
    url: `${mtls ? 'https' : 'http'}://${address}/`,
    close: () => new Promise<void>((resolve) => {
      events.close();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** The host name of a Host header ("127.0.0.1:8080", "[::1]:8080"), '' when absent. */
function hostOf(header: string | undefined): string {
  if (!header) return '';
  const bracket = /^(\[[^\]]*\])(:\d+)?$/.exec(header);
  return bracket ? bracket[1]! : header.replace(/:\d+$/, '');
}
