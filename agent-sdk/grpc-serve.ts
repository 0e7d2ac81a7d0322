/**
 * Serving grpc-js over TCP connections the SDK accepts itself, so it can close
 * the connection of a peer that gets revoked. grpc-js hands an interceptor the
 * connection's addresses but never the connection: this module keeps the
 * accepted sockets by their address 4-tuple and feeds them to the server with
 * `Server.createConnectionInjector` (grpc-js 1.10+), which runs the same
 * credentials, TLS handshake and interceptors as `bindAsync`.
 */
import net from 'node:net';
import type * as grpc from '@grpc/grpc-js';

/** The addresses grpc-js reports for a call (ServerInterceptingCallInterface.getConnectionInfo). */
export interface ConnectionInfo {
  readonly localAddress?: string | undefined;
  readonly localPort?: number | undefined;
  readonly remoteAddress?: string | undefined;
  readonly remotePort?: number | undefined;
}

interface Accepted {
  readonly socket: net.Socket;
  /** Peers already tracked on this connection (one per certificate, normally one). */
  readonly tracked: Set<string>;
}

// Sockets accepted by serveMtlsGrpc in this process, by address 4-tuple (unique while open).
const accepted = new Map<string, Accepted>();

const keyOf = (c: ConnectionInfo) => `${c.localAddress}|${c.localPort}|${c.remoteAddress}|${c.remotePort}`;

/**
 * Closes the TCP connection a call came on when serveMtlsGrpc accepted it.
 * Returns whether there was one. Never throws.
 *
 * @example closeGrpcConnection(call.getConnectionInfo());
 */
export function closeGrpcConnection(info: ConnectionInfo): boolean {
  const connection = accepted.get(keyOf(info));
  connection?.socket.destroy();
  return connection !== undefined;
}

/**
 * Closes the connection a verified call came on as soon as `track` calls the
 * closer it is given (its peer revoked, or the authority that signed its
 * certificate), even when no call is running then; `track` returns the
 * function that stops tracking, called when the connection closes. Once per
 * connection and `peer` (a name for the certificate). Only for connections
 * serveMtlsGrpc accepted; a no-op otherwise. Never throws.
 *
 * @example trackGrpcConnection(call.getConnectionInfo(), serialHex, (close) => list.track(subject, close));
 */
export function trackGrpcConnection(info: ConnectionInfo, peer: string, track: (close: () => void) => () => void): void {
  const connection = accepted.get(keyOf(info));
  if (!connection || connection.tracked.has(peer)) return;
  connection.tracked.add(peer);
  connection.socket.once('close', track(() => connection.socket.destroy()));
}

/** A server started by serveMtlsGrpc. */
export interface GrpcListener {
  readonly port: number;
  /**
   * Stops accepting and sends GOAWAY on every connection; the calls in flight get
   * `graceMs` (default 10 s) to finish, then whatever is still open (a server
   * stream nobody ends) is cut. Always ends.
   */
  close(graceMs?: number): Promise<void>;
}

/**
 * Listens on `host:port` and serves `server` with `credentials` (normally
 * `mtlsServerCredentials(...)`) over connections this module accepts, so that
 * revoking a peer closes its connection. Use it instead of `server.bindAsync`;
 * the server needs no `start()`.
 *
 * @throws (rejects) whatever `listen` fails with (EADDRINUSE, ...).
 * @example
 * const listener = await serveMtlsGrpc(server, { host: '127.0.0.1', port: 0 }, mtlsServerCredentials(source, source));
 * ...; await listener.close();
 */
export async function serveMtlsGrpc(
  server: grpc.Server, address: { host: string; port: number }, credentials: grpc.ServerCredentials,
): Promise<GrpcListener> {
  const injector = server.createConnectionInjector(credentials);
  const mine = new Set<net.Socket>();
  const tcp = net.createServer((socket) => {
    const key = keyOf({ localAddress: socket.localAddress, localPort: socket.localPort, remoteAddress: socket.remoteAddress, remotePort: socket.remotePort });
    accepted.set(key, { socket, tracked: new Set() });
    mine.add(socket);
    socket.once('close', () => {
      accepted.delete(key);
      mine.delete(socket);
    });
    injector.injectConnection(socket);
  });
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(address.port, address.host, () => {
      tcp.off('error', reject);
      resolve();
    });
  });
  return {
    port: (tcp.address() as net.AddressInfo).port,
    close: async (graceMs = 10_000) => {
      const stopped = new Promise<void>((resolve) => tcp.close(() => resolve()));
      // Each connection closes once its calls are done; that is what is awaited, not tryShutdown's
      // callback: on injected connections it comes at once since Node 24 (nodejs/node#57586).
      const drained = Promise.all([...mine].map((socket) => new Promise((resolve) => socket.once('close', resolve))));
      server.tryShutdown(() => {});
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([drained, new Promise((resolve) => {
        timer = setTimeout(resolve, graceMs);
      })]);
      clearTimeout(timer);
      server.forceShutdown();
      injector.destroy();
      for (const socket of mine) socket.destroy();
      await stopped;
    },
  };
}
