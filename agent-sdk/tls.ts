/**
 * Mutual TLS over node:tls with X509-SVIDs, in go-spiffe's spiffetls/tlsconfig
 * shape: options for a new server or client, and a hook for an existing server.
 *
 * Every connection is checked twice: OpenSSL verifies the peer's chain against
 * the roots of the trusted trust domains during the handshake (requestCert +
 * rejectUnauthorized), then the peer chain is verified again as an X509-SVID
 * against the bundle of the peer's own trust domain and passed to the authorizer,
 * and checked against the revocation list the source follows (which also closes
 * the connection when its peer is revoked later). Only then is the peer's
 * SPIFFE ID recorded for `peerId(socket)`.
 */
import tls from 'node:tls';
import type { Authorizer } from './authorizer.js';
import type { X509BundleSource } from './bundle.js';
import { systemClock, type Clock } from './clock.js';
import { PeerError, type TesseraError } from './errors.js';
import { watchSources } from './source.js';
import type { SpiffeId } from './spiffe-id.js';
import type { X509SvidSource } from './svid.js';
import {
  asPeerFailure,
  clientContext,
  contextOptions,
  expiryOf,
  fireAt,
  peerCertificateFailure,
  revocationSubjectOf,
  verifyPeerCertificate,
  verifyPeerSocket,
} from './tls-material.js';
import type { VerifiedX509Svid } from './verify.js';
import { type RevocationEntry, type RevocationList, isAuthorityEntry, revocationsToEnforce } from './revocation-list.js';
import { checkPathAuthorities, withRevokedAuthoritiesOf } from './revoked-authority.js';

/** Options shared by the server and client helpers. */
export interface MtlsOptions {
  /** Trust domains whose peers are accepted; default: the local SVID's own trust domain. */
  readonly trustDomains?: readonly string[];
  /** The time source for validity checks and connection deadlines; default the system clock. */
  readonly clock?: Clock;
  /**
   * The revocations to enforce: refused at the handshake, and an open
   * connection closes when its peer is revoked. Default: the list the SVID
   * source carries (X509Source follows the CA's); `null` checks none.
   */
  readonly revocations?: RevocationList | null;
}

/** Options for `hookMtlsServer` and `createMtlsServer`. */
export interface MtlsHookOptions extends MtlsOptions {
  /** Also close accepted connections older than this; by default they last until the peer's certificate expires. */
  readonly maxConnectionAgeMs?: number;
}

/**
 * The listener type of the `'peerRejected'` event a hooked server emits. The
 * socket is destroyed right after the call: read it (its peer certificate, for a
 * record of who was refused), never write to it.
 */
export type PeerRejectedListener = (error: TesseraError, socket: tls.TLSSocket) => void;

// Filled only after a peer passed every check; the only thing peerId() reads.
const verifiedPeers = new WeakMap<tls.TLSSocket, SpiffeId>();

/**
 * The verified SPIFFE ID of the peer on a connection accepted by a hooked server
 * or opened by `connectMtls`. Never re-derived from the certificate.
 *
 * @throws {PeerError} `ERR_PEER_UNAUTHENTICATED` when the socket has no verified peer.
 * @example server.on('secureConnection', (socket) => console.log(peerId(socket).toString()));
 */
export function peerId(socket: tls.TLSSocket): SpiffeId {
  const id = verifiedPeers.get(socket);
  if (!id) throw new PeerError('ERR_PEER_UNAUTHENTICATED', 'connection has no verified peer');
  return id;
}

/**
 * Constructor options for a TLS server that presents the current SVID and requires
 * a client certificate chaining to the trusted roots. They cover the handshake
 * only: Node has no per-connection verify hook in server options, so pass the
 * server to `hookMtlsServer` (or use `createMtlsServer`) for the X509-SVID and
 * authorizer checks, `peerId` and rotation.
 *
 * @throws whatever the sources throw; {SvidError} `ERR_BUNDLE_INVALID` when a
 *   trusted trust domain has no bundle.
 * @example const server = https.createServer(mtlsServerOptions(source, source), app);
 *          hookMtlsServer(server, source, source, authorizeMemberOf(td));
 */
export function mtlsServerOptions(svid: X509SvidSource, bundle: X509BundleSource, options: MtlsOptions = {}): tls.TlsOptions {
  return { ...contextOptions(svid, bundle, options.trustDomains), requestCert: true, rejectUnauthorized: true };
}

/**
 * Turns an existing tls.Server (or https.Server) into an mTLS
 * server for X509-SVIDs: sets its secure context from the sources, requires and
 * verifies client certificates, runs the authorizer on each new connection before
 * any other 'secureConnection' listener, and closes the connection when the
 * peer's certificate expires. When a source emits 'update' it swaps the secure
 * context (new connections get the new SVID; failures are emitted as
 * 'updateFailed' and the old context stays). Refused peers are reported as
 * `'peerRejected'` (see PeerRejectedListener) with a PeerError or SvidError,
 * never as 'error', and then destroyed. Other 'secureConnection' listeners still
 * see a refused socket, already destroyed: check `peerId(socket)`.
 *
 * @throws whatever the sources throw now; {SvidError} `ERR_BUNDLE_INVALID`.
 * @example
 * const server = hookMtlsServer(tls.createServer(), source, source, authorizeMatch('spiffe://td/agent/*\/*\/*'));
 * server.on('peerRejected', (err) => log.warn(err.code));
 */
export function hookMtlsServer<S extends tls.Server>(
  server: S,
  svid: X509SvidSource,
  bundle: X509BundleSource,
  authorizer: Authorizer,
  options: MtlsHookOptions = {},
): S {
  const clock = options.clock ?? systemClock;
  const revocations = revocationsToEnforce(options.revocations, svid, bundle);
  // Node reads these two per connection (tlsConnectionListener); setting them here
  // is what lets the hook work on a server created without them.
  const perConnection = server as unknown as { requestCert: boolean; rejectUnauthorized: boolean };
  perConnection.requestCert = true;
  perConnection.rejectUnauthorized = true;
  server.setSecureContext(contextOptions(svid, bundle, options.trustDomains));

  // Open connections and their verified paths: a bundle, or a revocation entry, that revokes an
  // authority on a path closes it.
  const open = new Map<tls.TLSSocket, VerifiedX509Svid>();
  const closeThroughRevoked = () => {
    const bundles = withRevokedAuthoritiesOf(bundle, revocations);
    for (const [socket, verified] of open) {
      const current = bundles.getX509BundleForTrustDomain(verified.id.trustDomain);
      try {
        if (current && !socket.destroyed) checkPathAuthorities(current, verified.verifiedChain);
      } catch (err) {
        rejectPeer(server, socket, asPeerFailure(err));
      }
    }
  };
  const reload = () => {
    try {
      server.setSecureContext(contextOptions(svid, bundle, options.trustDomains));
    } catch (err) {
      server.emit('updateFailed', asPeerFailure(err));
    }
    closeThroughRevoked();
  };
  server.once('close', watchSources([svid, bundle], reload));
  const onRevoked = (entry: RevocationEntry) => {
    if (isAuthorityEntry(entry)) closeThroughRevoked();
  };
  revocations?.on('revoked', onRevoked);
  server.once('close', () => revocations?.off('revoked', onRevoked));

  server.prependListener('secureConnection', (socket: tls.TLSSocket) => {
    let verified: VerifiedX509Svid;
    try {
      // rejectUnauthorized already destroyed unverified sockets; this is the second lock.
      if (!socket.authorized) throw peerCertificateFailure(socket.authorizationError) ?? new PeerError('ERR_PEER_UNAUTHENTICATED', 'peer is not authorized');
      verified = verifyPeerSocket(socket, svid, bundle, authorizer, options.trustDomains, clock, revocations);
    } catch (err) {
      rejectPeer(server, socket, asPeerFailure(err));
      return;
    }
    verifiedPeers.set(socket, verified.id);
    open.set(socket, verified);
    socket.once('close', () => open.delete(socket));
    // setSecureContext never touches open connections, so bound their age here.
    const maxAge = options.maxConnectionAgeMs === undefined ? Infinity : clock.now() + options.maxConnectionAgeMs;
    const cancel = fireAt(Math.min(expiryOf(verified.verifiedChain), maxAge), () => clock.now(), () => socket.destroy());
    socket.once('close', cancel);
    // Flow 7: the connection of a peer revoked later closes as the entry arrives.
    const untrack = revocations?.track(revocationSubjectOf(verified.id, verified.verifiedChain[0]!.raw), (err) => rejectPeer(server, socket, err));
    if (untrack) socket.once('close', untrack);
  });

  // With rejectUnauthorized, OpenSSL's verdict on an untrusted or expired client
  // certificate ends the socket before 'secureConnection': it only shows here, as a
  // hang-up with `authorizationError` set, or as "no certificate".
  server.on('tlsClientError', (err: Error & { code?: string }, socket: tls.TLSSocket) => {
    const failure = peerCertificateFailure(socket.authorizationError) ?? peerCertificateFailure(err.code);
    if (failure) server.emit('peerRejected', failure, socket);
  });
  return server;
}

/**
 * Reports a refused peer as 'peerRejected', then destroys its socket (also when
 * a listener throws). In that order because a destroyed socket has lost its
 * certificate: a listener can still read who was refused (an audit record of a
 * revoked agent's handshake needs its ID), and nothing is ever sent to the peer.
 */
function rejectPeer(server: tls.Server, socket: tls.TLSSocket, err: TesseraError): void {
  try {
    server.emit('peerRejected', err, socket);
  } finally {
    socket.destroy();
  }
}

/**
 * A new mTLS server: `tls.createServer` + `hookMtlsServer`. The listener, if any,
 * is called only for connections whose peer passed every check.
 *
 * @throws like hookMtlsServer.
 * @example
 * const server = createMtlsServer(source, source, authorizeMemberOf(td), {}, (socket) => {
 *   socket.end(`hello ${peerId(socket)}\n`);
 * });
 * server.listen(0, '127.0.0.1');
 */
export function createMtlsServer(
  svid: X509SvidSource,
  bundle: X509BundleSource,
  authorizer: Authorizer,
  options: MtlsHookOptions = {},
  secureConnectionListener?: (socket: tls.TLSSocket) => void,
): tls.Server {
  const server = hookMtlsServer(tls.createServer({ requestCert: true, rejectUnauthorized: true }), svid, bundle, authorizer, options);
  if (secureConnectionListener) {
    server.on('secureConnection', (socket: tls.TLSSocket) => {
      if (verifiedPeers.has(socket)) secureConnectionListener(socket);
    });
  }
  return server;
}

/**
 * Options for `tls.connect` (or anything taking its options) that present the
 * current SVID, verify the server as an X509-SVID of a trusted trust domain and
 * run the authorizer. The SVID and roots are read from the sources each time the
 * options are read, so spreading them into each new connection picks up
 * rotation. A refused server ends the socket with the PeerError/SvidError as its
 * 'error'. The options never offer a TLS session to resume (resumption skips the
 * check), also under an https.Agent. Prefer `connectMtls`, which also gives
 * `peerId` and bounds the connection's age.
 *
 * @throws whatever the sources throw (when the options are read).
 * @example tls.connect({ host: '127.0.0.1', port, ...mtlsClientOptions(source, source, authorizeId(serverId)) });
 */
export function mtlsClientOptions(
  svid: X509SvidSource,
  bundle: X509BundleSource,
  authorizer: Authorizer,
  options: MtlsOptions = {},
): tls.ConnectionOptions {
  return clientOptions(svid, bundle, authorizer, options, () => {});
}

/**
 * Connects over mTLS and resolves once the server passed every check, with the
 * socket open and `peerId(socket)` set. The connection is closed when the
 * server's certificate expires.
 *
 * @throws (rejects) {PeerError} `ERR_PEER_UNAUTHENTICATED` / `ERR_PEER_UNAUTHORIZED`,
 *   {SvidError} `ERR_SVID_INVALID` / `ERR_SVID_EXPIRED` / `ERR_BUNDLE_INVALID` when
 *   the server is refused; network errors as Node reports them.
 * @example
 * const socket = await connectMtls({ host: '127.0.0.1', port }, source, source, authorizeId(serverId));
 * socket.write('ping');
 */
export function connectMtls(
  connectOptions: tls.ConnectionOptions,
  svid: X509SvidSource,
  bundle: X509BundleSource,
  authorizer: Authorizer,
  options: MtlsOptions = {},
): Promise<tls.TLSSocket> {
  const clock = options.clock ?? systemClock;
  const revocations = revocationsToEnforce(options.revocations, svid, bundle);
  return new Promise((resolve, reject) => {
    let verified: VerifiedX509Svid | undefined;
    // A caller-supplied session would be resumed, and resumption skips checkServerIdentity.
    const { session: _session, ...rest } = connectOptions;
    const socket = tls.connect({ ...rest, ...clientOptions(svid, bundle, authorizer, options, (v) => (verified = v)) });
    const onError = (err: Error & { code?: string }) => reject(peerCertificateFailure(err.code) ?? err);
    socket.once('error', onError);
    socket.once('secureConnect', () => {
      socket.off('error', onError);
      if (!verified || socket.isSessionReused()) {
        socket.destroy();
        reject(new PeerError('ERR_PEER_UNAUTHENTICATED', 'server was not verified on this connection'));
        return;
      }
      verifiedPeers.set(socket, verified.id);
      const cancel = fireAt(expiryOf(verified.verifiedChain), () => clock.now(), () => socket.destroy());
      socket.once('close', cancel);
      const untrack = revocations?.track(revocationSubjectOf(verified.id, verified.verifiedChain[0]!.raw), (err) => socket.destroy(err));
      if (untrack) socket.once('close', untrack);
      resolve(socket);
    });
  });
}

function clientOptions(
  svid: X509SvidSource,
  bundle: X509BundleSource,
  authorizer: Authorizer,
  options: MtlsOptions,
  onVerified: (verified: VerifiedX509Svid) => void,
): tls.ConnectionOptions {
  const clock = options.clock ?? systemClock;
  const revocations = revocationsToEnforce(options.revocations, svid, bundle);
  return {
    // A getter, so each connection made from these options reads the sources again.
    get secureContext(): tls.SecureContext {
      return clientContext(svid, bundle, options.trustDomains);
    },
    rejectUnauthorized: true,
    // An own `session: undefined` survives spreading and overrides the session an
    // https.Agent would add ({ session, ...options }): a resumed session skips
    // checkServerIdentity, so this client never offers one.
    session: undefined,
    // Replaces Node's hostname check (which ignores URI SANs): the server is identified
    // by its SPIFFE ID, whatever host name was dialled. Must return, not throw, an Error.
    checkServerIdentity: (_host: string, cert: tls.PeerCertificate): Error | undefined => {
      try {
        const verified = verifyPeerCertificate(cert, svid, bundle, authorizer, options.trustDomains, clock, revocations);
        onVerified(verified);
        return undefined;
      } catch (err) {
        return asPeerFailure(err);
      }
    },
  };
}
