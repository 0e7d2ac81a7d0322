/**
 * Mutual TLS for grpc-js 1.14 with X509-SVIDs. The credentials are fed by a
 * CertificateProvider built on the sources, so a rotated SVID or a changed bundle
 * reaches the server (setSecureContext) and new channel connections without a
 * restart. This is the only file that touches grpc-js's `experimental` API.
 *
 * What the server side relies on: grpc-js gives an interceptor only the peer's
 * leaf (`getAuthContext().sslPeerCertificate`, from `getPeerCertificate()`), and
 * only on a socket OpenSSL marked `authorized`. The credentials below make the
 * client certificate mandatory (requestCert + rejectUnauthorized) with the roots
 * of ONE trust domain as the only CAs, so "authorized" means "chains to that trust
 * domain's roots". The interceptor then re-checks the leaf against the X509-SVID
 * rules and its validity, and requires its ID to be in that same trust domain.
 * A second trust domain would let its CA vouch for IDs of the first, which the
 * leaf alone cannot reveal, so the server accepts a single trust domain.
 */
import { X509Certificate } from 'node:crypto';
import type { PeerCertificate } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { authorizePeer, type Authorizer } from './authorizer.js';
import type { X509BundleSource } from './bundle.js';
import { systemClock, type Clock } from './clock.js';
import { STATUS_OF, errorTrailer } from './error-status.js';
import { PeerError, TesseraError } from './errors.js';
import { parseTrustDomain, type SpiffeId } from './spiffe-id.js';
import type { X509SvidSource } from './svid.js';
import { asPeerFailure, revocationSubjectOf, rootsPem, svidPem, trustDomainsOf, verifyPeerCertificate } from './tls-material.js';
import { trackGrpcConnection } from './grpc-serve.js';
import { type RevocationList, revocationsToEnforce } from './revocation-list.js';
import { watchSources } from './source.js';
import { checkX509SvidLeaf } from './verify.js';
import { checkLeafIssuer, withRevokedAuthoritiesOf } from './revoked-authority.js';
import { RevokedIssuerWatch } from './revoked-issuer-watch.js';
import type { MtlsOptions } from './tls.js';

/** Options for `mtlsServerCredentials`. */
export interface GrpcServerMtlsOptions {
  /** The one trust domain whose clients are accepted; default the server SVID's own. */
  readonly trustDomain?: string;
  /** The time source for leaf validity; default the system clock. */
  readonly clock?: Clock;
  /** Called with the typed error whenever a call is refused (the client sees the status). */
  readonly onPeerRejected?: (error: TesseraError, method: string) => void;
  /**
   * The revocations to enforce on every call (default: the list the SVID source
   * carries; `null` checks none). A revoked peer's calls are refused and its
   * running calls end; serve with `serveMtlsGrpc` to also close its connection.
   */
  readonly revocations?: RevocationList | null;
}

/** Options for `mtlsChannelCredentials`. */
export interface GrpcChannelMtlsOptions extends MtlsOptions {
  /** Called with the typed error when the client refuses a server (the call itself fails UNAVAILABLE). */
  readonly onPeerRejected?: (error: TesseraError) => void;
}

interface VerifiedCall {
  readonly id: SpiffeId;
  readonly leaf: X509Certificate;
}

// Keyed by the request Metadata object, which grpc-js hands unchanged from the
// interceptors to the handler (`call.metadata`). Set only by the peer interceptor
// after every check, so peerIdFromCall never derives an ID from unverified data;
// an interceptor that swaps the object makes peerIdFromCall fail closed.
const verifiedCalls = new WeakMap<grpc.Metadata, VerifiedCall>();

/**
 * Server credentials that present the current SVID, require a client certificate
 * from the trust domain, and check every call's peer as an X509-SVID (and with
 * `authorizer`, when given, which sees the leaf alone as the verified chain)
 * before the handler runs. Refused calls end with
 * UNAUTHENTICATED / PERMISSION_DENIED and the error code in the
 * `tessera-error-code` trailer. Rotation needs no restart; bound the age of open
 * connections with the server option `grpc.max_connection_age_ms` (for example
 * half the SVID lifetime), because a new secure context leaves them alone.
 *
 * @throws {TypeError} for a bad trust domain name.
 * @example
 * const server = new grpc.Server({ 'grpc.max_connection_age_ms': 60_000, interceptors: [authorizeByMethod(table)] });
 * server.bindAsync('127.0.0.1:0', mtlsServerCredentials(source, source), cb);
 */
export function mtlsServerCredentials(
  svid: X509SvidSource,
  bundle: X509BundleSource,
  authorizer?: Authorizer,
  options: GrpcServerMtlsOptions = {},
): grpc.ServerCredentials {
  const pinned = options.trustDomain === undefined ? undefined : parseTrustDomain(options.trustDomain);
  const trustDomain = () => pinned ?? svid.getX509Svid().id.trustDomain;
  const provider = new SourceCertificateProvider(svid, bundle, () => [trustDomain()]);
  // grpc-js 1.14 names the first parameter caCertificateProvider but uses it for the
  // identity, and the second the other way round (a non-null second one also turns on
  // requestCert). One provider serves both, so the swap cannot bite either way.
  const credentials = grpc.experimental.createCertificateProviderServerCredentials(provider, provider, true);
  const clock = options.clock ?? systemClock;
  const revocations = revocationsToEnforce(options.revocations, svid, bundle);
  const issuers = new RevokedIssuerWatch(bundle, revocations);
  const interceptor: grpc.ServerInterceptor = (method, call) =>
    refusingInterceptor(call, method.path, options.onPeerRejected, () => {
      const verified = verifyCallPeer(call, trustDomain(), withRevokedAuthoritiesOf(bundle, revocations), clock);
      if (authorizer) authorizePeer(authorizer, verified.id, [verified.leaf]);
      revocations?.check(revocationSubjectOf(verified.id, verified.leaf.raw));
      return verified;
    }, (verified, end) => {
      // Flow 7: a running call of a peer revoked later, or whose certificate's issuer is revoked
      // later, ends with ERR_REVOKED, and the connection closes when serveMtlsGrpc accepted it.
      const subject = revocationSubjectOf(verified.id, verified.leaf.raw);
      const watch = (close: (error: TesseraError) => void) => {
        const untrackPeer = revocations?.track(subject, close);
        const untrackIssuer = issuers.track(verified.id.trustDomain, verified.leaf.raw, close);
        return () => {
          untrackPeer?.();
          untrackIssuer();
        };
      };
      trackGrpcConnection(call.getConnectionInfo(), `${verified.id}|${subject.serialHex ?? ''}`, watch);
      return watch(end);
    });
  return grpc.experimental.createServerCredentialsWithInterceptors(credentials, [interceptor]);
}

/**
 * Server credentials that present the current SVID of `svid`, rotated without a
 * restart, and, with `clientTrustDomain`, require a client certificate that
 * chains to that trust domain's roots in `bundle`. TLS only: no interceptor
 * checks the caller, so this is for servers that check callers themselves (the CA).
 *
 * @example server.bindAsync(address, svidServerCredentials(identity, identity, 'tessera.local'), cb);
 */
export function svidServerCredentials(svid: X509SvidSource, bundle: X509BundleSource, clientTrustDomain?: string): grpc.ServerCredentials {
  const provider = new SourceCertificateProvider(svid, bundle, () => (clientTrustDomain === undefined ? [] : [clientTrustDomain]));
  // The parameters are swapped in grpc-js 1.14 (see mtlsServerCredentials): the first one is the identity.
  return grpc.experimental.createCertificateProviderServerCredentials(provider, clientTrustDomain === undefined ? null : provider, clientTrustDomain !== undefined);
}

/**
 * A server interceptor that authorizes each call by its method with a table of
 * full method paths ('/tessera.v1.SVIDService/RenewX509SVID') to Authorizers.
 * Methods missing from the table are denied. It reads the peer verified by
 * `mtlsServerCredentials` (whose interceptor runs first), and refuses calls that
 * have none. Authorizers see the leaf only as the verified chain.
 *
 * @throws {TypeError} when a key is not a full method path.
 * @example
 * new grpc.Server({ interceptors: [authorizeByMethod({
 *   '/demo.Echo/Say': authorizeMatch('spiffe://td/agent/*\/*\/*'),
 * })] });
 */
export function authorizeByMethod(
  table: Readonly<Record<string, Authorizer>>,
  options: { onPeerRejected?: (error: TesseraError, method: string) => void } = {},
): grpc.ServerInterceptor {
  const byMethod = new Map<string, Authorizer>();
  for (const [method, authorizer] of Object.entries(table)) {
    if (!/^\/[^/]+\/[^/]+$/.test(method)) throw new TypeError(`"${method}" is not a full method path like /package.Service/Method`);
    byMethod.set(method, authorizer);
  }
  return (method, call) =>
    refusingInterceptor(call, method.path, options.onPeerRejected, (metadata) => {
      const verified = verifiedCalls.get(metadata);
      if (!verified) throw new PeerError('ERR_PEER_UNAUTHENTICATED', 'call has no verified peer (use mtlsServerCredentials)');
      const authorizer = byMethod.get(method.path);
      if (!authorizer) throw new PeerError('ERR_PEER_UNAUTHORIZED', `no authorization rule for ${method.path}`);
      authorizePeer(authorizer, verified.id, [verified.leaf]);
      return verified;
    });
}

/**
 * The verified SPIFFE ID of the client of a call on a server using
 * `mtlsServerCredentials`.
 *
 * @throws {PeerError} `ERR_PEER_UNAUTHENTICATED` when the call has no verified peer.
 * @example handler(call, callback) { callback(null, { text: `hello ${peerIdFromCall(call)}` }) }
 */
export function peerIdFromCall(call: { readonly metadata: grpc.Metadata }): SpiffeId {
  const verified = verifiedCalls.get(call.metadata);
  if (!verified) throw new PeerError('ERR_PEER_UNAUTHENTICATED', 'call has no verified peer');
  return verified.id;
}

/**
 * Channel credentials that present the current SVID and verify the server as an
 * X509-SVID of a trusted trust domain (the full chain, against the bundle of the
 * server's own trust domain), then run the authorizer. New connections read the
 * sources' latest values. A refused server fails the call with UNAVAILABLE; the
 * typed error goes to `onPeerRejected`.
 *
 * @example
 * const client = new EchoClient(`127.0.0.1:${port}`, mtlsChannelCredentials(source, source, authorizeId(serverId)));
 */
export function mtlsChannelCredentials(
  svid: X509SvidSource,
  bundle: X509BundleSource,
  authorizer: Authorizer,
  options: GrpcChannelMtlsOptions = {},
): grpc.ChannelCredentials {
  const clock = options.clock ?? systemClock;
  const revocations = revocationsToEnforce(options.revocations, svid, bundle);
  const provider = new SourceCertificateProvider(svid, bundle, () => trustDomainsOf(svid, options.trustDomains));
  return grpc.experimental.createCertificateProviderChannelCredentials(provider, provider, {
    // Replaces Node's hostname check; must return, not throw, an Error to refuse.
    checkServerIdentity: (_host: string, cert: PeerCertificate) => {
      try {
        verifyPeerCertificate(cert, svid, bundle, authorizer, options.trustDomains, clock, revocations);
        return undefined;
      } catch (err) {
        const failure = asPeerFailure(err);
        options.onPeerRejected?.(failure);
        return failure;
      }
    },
  });
}

/**
 * The client's leaf from the auth context, checked as an X509-SVID of `trustDomain`
 * and as not signed by an intermediate its bundle lists as revoked (OpenSSL
 * verified the chain to the root, which still trusts that intermediate).
 */
function verifyCallPeer(call: grpc.ServerInterceptingCallInterface, trustDomain: string, bundles: X509BundleSource, clock: Clock): VerifiedCall {
  const auth = call.getAuthContext();
  const raw = auth.transportSecurityType === 'ssl' ? auth.sslPeerCertificate?.raw : undefined;
  if (!raw) throw new PeerError('ERR_PEER_UNAUTHENTICATED', 'call has no verified client certificate');
  const id = checkX509SvidLeaf(raw, clock.now());
  if (id.trustDomain !== trustDomain) throw new PeerError('ERR_PEER_UNAUTHENTICATED', `${id} is not in trust domain ${trustDomain}`);
  const bundle = bundles.getX509BundleForTrustDomain(trustDomain);
  if (bundle) checkLeafIssuer(bundle, raw);
  return { id, leaf: new X509Certificate(raw) };
}

/**
 * An interceptor that runs `check` on the request metadata; on success it records
 * the result for the handler, on failure it ends the call with the mapped status
 * and never passes the metadata on, so the handler never runs. With `track`, a
 * verified call can be ended later (its peer revoked) for as long as it runs.
 */
function refusingInterceptor(
  call: grpc.ServerInterceptingCallInterface,
  method: string,
  onPeerRejected: ((error: TesseraError, method: string) => void) | undefined,
  check: (metadata: grpc.Metadata) => VerifiedCall,
  track?: (verified: VerifiedCall, end: (error: TesseraError) => void) => (() => void) | undefined,
): grpc.ServerInterceptingCall {
  const refuse = (failure: TesseraError) => {
    onPeerRejected?.(failure, method);
    intercepting.sendStatus({ code: STATUS_OF[failure.code], details: failure.message, metadata: errorTrailer(failure.code) });
  };
  let untrack: (() => void) | undefined;
  const listener = new grpc.ServerListenerBuilder()
    .withOnReceiveMetadata((metadata, next) => {
      let verified: VerifiedCall;
      try {
        verified = check(metadata);
      } catch (err) {
        refuse(asPeerFailure(err));
        return;
      }
      verifiedCalls.set(metadata, verified);
      untrack = track?.(verified, refuse);
      next(metadata);
    })
    .withOnCancel(() => untrack?.())
    .build();
  const responder = new grpc.ResponderBuilder()
    .withStart((next) => next(listener))
    .withSendStatus((status, next) => {
      untrack?.();
      next(status);
    })
    .build();
  const intercepting = new grpc.ServerInterceptingCall(call, responder);
  return intercepting;
}

type CaListener = grpc.experimental.CaCertificateUpdateListener;
type IdentityListener = grpc.experimental.IdentityCertificateUpdateListener;

/**
 * grpc-js's CertificateProvider on top of the sources: publishes the roots and the
 * SVID to listeners, again on each 'update'. Updates are delivered on the next
 * tick: grpc-js's server adds its context watcher only after subscribing, so a
 * synchronous first update would be lost and the server would drop connections.
 * A failed refresh keeps the last good material.
 */
class SourceCertificateProvider implements grpc.experimental.CertificateProvider {
  readonly #svid: X509SvidSource;
  readonly #bundle: X509BundleSource;
  readonly #trustDomains: () => string[];
  readonly #ca = new Set<CaListener>();
  readonly #identity = new Set<IdentityListener>();
  #unwatch: (() => void) | undefined;

  constructor(svid: X509SvidSource, bundle: X509BundleSource, trustDomains: () => string[]) {
    this.#svid = svid;
    this.#bundle = bundle;
    this.#trustDomains = trustDomains;
  }

  addCaCertificateListener(listener: CaListener): void {
    this.#ca.add(listener);
    this.#subscribe();
    process.nextTick(() => {
      if (this.#ca.has(listener)) listener(this.#caUpdate());
    });
  }

  removeCaCertificateListener(listener: CaListener): void {
    this.#ca.delete(listener);
    this.#unsubscribeIfIdle();
  }

  addIdentityCertificateListener(listener: IdentityListener): void {
    this.#identity.add(listener);
    this.#subscribe();
    process.nextTick(() => {
      if (this.#identity.has(listener)) listener(this.#identityUpdate());
    });
  }

  removeIdentityCertificateListener(listener: IdentityListener): void {
    this.#identity.delete(listener);
    this.#unsubscribeIfIdle();
  }

  #caUpdate(): grpc.experimental.CaCertificateUpdate | null {
    try {
      return { caCertificate: Buffer.from(rootsPem(this.#bundle, this.#trustDomains())) };
    } catch {
      return null; // no usable bundle yet: grpc-js refuses connections rather than trusting nothing
    }
  }

  #identityUpdate(): grpc.experimental.IdentityCertificateUpdate | null {
    try {
      const { cert, key } = svidPem(this.#svid);
      return { certificate: Buffer.from(cert), privateKey: Buffer.from(key) };
    } catch {
      return null;
    }
  }

  #subscribe(): void {
    this.#unwatch ??= watchSources([this.#svid, this.#bundle], () => this.#publish());
  }

  #unsubscribeIfIdle(): void {
    if (this.#ca.size === 0 && this.#identity.size === 0) {
      this.#unwatch?.();
      this.#unwatch = undefined;
    }
  }

  #publish(): void {
    const ca = this.#caUpdate();
    const identity = this.#identityUpdate();
    if (ca) for (const l of this.#ca) l(ca);
    if (identity) for (const l of this.#identity) l(identity);
  }
}
