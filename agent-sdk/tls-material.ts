/**
 * Internal helpers shared by tls.ts and grpc.ts: turning sources into the PEM
 * material OpenSSL takes, reading a peer chain out of Node's PeerCertificate, and
 * naming OpenSSL's verification failures with Tessera's error codes. Not part of
 * the public surface.
 */
import { type X509Certificate, constants, createHash } from 'node:crypto';
import { type DetailedPeerCertificate, type PeerCertificate, type SecureContext, type SecureContextOptions, type TLSSocket, createSecureContext } from 'node:tls';
import { authorizePeer, type Authorizer } from './authorizer.js';
import type { X509Bundle, X509BundleSource } from './bundle.js';
import { type CertificateFields, readCertificate } from './certificate.js';
import { MAX_CHAIN_CERTS } from './chain.js';
import type { Clock } from './clock.js';
import { PeerError, SvidError, TesseraError } from './errors.js';
import { lineageOfCertificate } from './lineage.js';
import type { RevocationList, RevocationSubject } from './revocation-list.js';
import { type SpiffeId, parseTrustDomain } from './spiffe-id.js';
import type { X509Svid, X509SvidSource } from './svid.js';
import { verifyX509Svid, type VerifiedX509Svid } from './verify.js';
import { withRevokedAuthoritiesOf } from './revoked-authority.js';
import { MAX_TIMER_MS } from './timers.js';

/** PEM text of an SVID: the chain (leaf first) and the private key. Held in memory only. */
export interface SvidPem {
  readonly cert: string;
  readonly key: string;
}

// Node 20's TLS options do not take a KeyObject, so the key is exported to PEM in
// memory, once per SVID object; a rotated SVID is a new object with a new key.
const pemCache = new WeakMap<X509Svid, SvidPem>();

/**
 * The current SVID of `source` as PEM.
 *
 * @throws whatever the source's getX509Svid throws; TypeError if the key cannot be exported.
 * @example tls.createSecureContext({ ...svidPem(source), ca })
 */
export function svidPem(source: X509SvidSource): SvidPem {
  const svid = source.getX509Svid();
  let pem = pemCache.get(svid);
  if (!pem) {
    pem = {
      cert: svid.certificates.map(derToPem).join(''),
      key: svid.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string,
    };
    pemCache.set(svid, pem);
  }
  return pem;
}

/**
 * Secure-context options with the current SVID and trusted roots. Session tickets
 * are off: a resumed session skips certificate checks (DESIGN.md).
 *
 * @throws like svidPem and rootsPem.
 * @example server.setSecureContext(contextOptions(source, source, undefined))
 */
export function contextOptions(svid: X509SvidSource, bundle: X509BundleSource, trustDomains: readonly string[] | undefined): SecureContextOptions {
  const { cert, key } = svidPem(svid);
  const ca = rootsPem(bundle, trustDomainsOf(svid, trustDomains));
  return { cert, key, ca, minVersion: 'TLSv1.2', secureOptions: constants.SSL_OP_NO_TICKET };
}

// One client context per SVID (and set of roots), shared by every connection made
// with it, node:tls ones and the channel to the CA alike: OpenSSL parses the key
// and certificates once, not per handshake. A rotated SVID is a new object, so
// its PEM and its context are new too.
const clientContexts = new WeakMap<SvidPem, { ca: string; context: SecureContext }>();

/**
 * The client secure context for the current SVID and the roots of `trustDomains`.
 *
 * @throws like contextOptions; whatever OpenSSL throws for the material.
 * @example tls.connect({ secureContext: clientContext(source, source, undefined), ... })
 */
export function clientContext(svid: X509SvidSource, bundle: X509BundleSource, trustDomains: readonly string[] | undefined): SecureContext {
  const opts = contextOptions(svid, bundle, trustDomains);
  const pem = svidPem(svid);
  const cached = clientContexts.get(pem);
  if (cached && cached.ca === opts.ca) return cached.context;
  const context = createSecureContext(opts);
  clientContexts.set(pem, { ca: opts.ca as string, context });
  return context;
}

/**
 * DER certificate to PEM. Never throws.
 *
 * @example derToPem(bundle.authorities[0]!)
 */
export function derToPem(der: Uint8Array): string {
  return pemOf(der, 'CERTIFICATE');
}

/**
 * DER to PEM with the type `label` ('CERTIFICATE REQUEST', ...). Never throws.
 *
 * @example pemOf(csrDer, 'CERTIFICATE REQUEST')
 */
export function pemOf(der: Uint8Array, label: string): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/**
 * The trust domains a connection accepts peers from: the given list, or by
 * default the SVID's own trust domain (read now, so a source that is not ready
 * yet fails here rather than at construction).
 *
 * @throws {TypeError} for an empty list; {SpiffeIdError} for a bad name; whatever the source throws.
 * @example trustDomainsOf(source, undefined) // ['tessera.local']
 */
export function trustDomainsOf(svid: X509SvidSource, trustDomains: readonly string[] | undefined): string[] {
  if (trustDomains === undefined) return [svid.getX509Svid().id.trustDomain];
  if (trustDomains.length === 0) throw new TypeError('trustDomains must not be empty');
  return trustDomains.map(parseTrustDomain);
}

/**
 * A bundle source that answers only for `trustDomains`, so a peer is never checked
 * against a bundle the connection was not configured to trust. Never throws.
 *
 * @example verifyX509Svid(chain, restrictBundles(source, ['tessera.local']))
 */
export function restrictBundles(bundles: X509BundleSource, trustDomains: readonly string[]): X509BundleSource {
  const allowed = new Set(trustDomains);
  return { getX509BundleForTrustDomain: (td) => (allowed.has(td) ? bundles.getX509BundleForTrustDomain(td) : undefined) };
}

/**
 * The roots of every trusted trust domain as one PEM string, for OpenSSL's `ca`.
 *
 * @throws {SvidError} `ERR_BUNDLE_INVALID` when a trusted trust domain has no
 *   bundle or an empty one: an empty `ca` would make Node fall back to the public
 *   web roots.
 * @example tls.createSecureContext({ ca: rootsPem(source, ['tessera.local']) })
 */
export function rootsPem(bundles: X509BundleSource, trustDomains: readonly string[]): string {
  return trustDomains.map((td) => bundlePem(nonEmptyBundle(bundles, td))).join('');
}

// A bundle never changes (a new one is a new object): its PEM is made once.
const bundlePems = new WeakMap<X509Bundle, string>();

function bundlePem(bundle: X509Bundle): string {
  let pem = bundlePems.get(bundle);
  if (pem === undefined) {
    pem = bundle.authorities.map(derToPem).join('');
    bundlePems.set(bundle, pem);
  }
  return pem;
}

function nonEmptyBundle(bundles: X509BundleSource, trustDomain: string): X509Bundle {
  const bundle = bundles.getX509BundleForTrustDomain(trustDomain);
  if (!bundle || bundle.authorities.length === 0) throw new SvidError('ERR_BUNDLE_INVALID', `no bundle for trust domain "${trustDomain}"`);
  return bundle;
}

/**
 * The DER chain in a PeerCertificate from `getPeerCertificate(true)`, leaf first.
 * Node links each certificate to its issuer, from what the peer sent and then
 * from the trust store; a self-signed certificate links to itself. Never throws;
 * [] when the peer sent no certificate.
 *
 * @example verifyX509Svid(chainFromPeerCertificate(socket.getPeerCertificate(true)), source)
 */
export function chainFromPeerCertificate(cert: PeerCertificate | DetailedPeerCertificate): Buffer[] {
  const chain: Buffer[] = [];
  let current: DetailedPeerCertificate | undefined = cert as DetailedPeerCertificate;
  // One more than the verifier accepts, so an overlong chain still fails there with its own message.
  while (current?.raw && chain.length <= MAX_CHAIN_CERTS) {
    chain.push(current.raw);
    const next: DetailedPeerCertificate | undefined = current.issuerCertificate;
    if (!next || next === current || next.raw?.equals(current.raw)) break;
    current = next;
  }
  return chain;
}

/**
 * The earliest notAfter on a verified path: the moment the peer stops being valid.
 *
 * @throws {DerError} only for a certificate that is not DER (never for a verified path).
 * @example fireAt(expiryOf(verified.verifiedChain), Date.now, () => socket.destroy())
 */
export function expiryOf(verifiedChain: readonly X509Certificate[]): number {
  return Math.min(...verifiedChain.map(notAfterOf));
}

// A certificate object's fields never change: read its validity once.
const validities = new WeakMap<X509Certificate, { notBeforeMs: number; notAfterMs: number }>();

function validityOf(cert: X509Certificate): { notBeforeMs: number; notAfterMs: number } {
  let validity = validities.get(cert);
  if (!validity) {
    const { notBeforeMs, notAfterMs } = readCertificate(cert.raw);
    validity = { notBeforeMs, notAfterMs };
    validities.set(cert, validity);
  }
  return validity;
}

const notAfterOf = (cert: X509Certificate) => validityOf(cert).notAfterMs;

// The verification results OpenSSL reports (Node puts them in `err.code` or in
// `socket.authorizationError`) that mean "the peer's certificate is not trusted".
const UNTRUSTED_CODES = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'PATH_LENGTH_EXCEEDED',
  'CERT_CHAIN_TOO_LONG',
  'UNSPECIFIED',
]);

/**
 * Names an OpenSSL certificate failure with a Tessera code, or returns undefined
 * when `code` is not about the peer's certificate (a reset, a timeout, ...).
 * Never throws.
 *
 * @example peerCertificateFailure(socket.authorizationError)?.code // 'ERR_PEER_UNAUTHENTICATED'
 */
export function peerCertificateFailure(code: unknown): TesseraError | undefined {
  if (typeof code !== 'string') return undefined;
  if (code === 'CERT_HAS_EXPIRED') return new SvidError('ERR_SVID_EXPIRED', 'peer certificate has expired');
  // It chains fine; its notBefore is ahead of this host's clock (the CA backdates by 5 s).
  if (code === 'CERT_NOT_YET_VALID') return new SvidError('ERR_SVID_INVALID', 'peer certificate is not yet valid: is this host\'s clock behind the CA\'s?');
  if (code === 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE') return new PeerError('ERR_PEER_UNAUTHENTICATED', 'peer presented no certificate');
  if (UNTRUSTED_CODES.has(code)) return new PeerError('ERR_PEER_UNAUTHENTICATED', `peer certificate does not chain to a trusted bundle (${code})`);
  return undefined;
}

/**
 * Any thrown value as a TesseraError for the 'peerRejected' event; unknown
 * failures become ERR_INTERNAL with the original as `cause` (never sent). Never throws.
 *
 * @example server.emit('peerRejected', asPeerFailure(err), socket)
 */
export function asPeerFailure(err: unknown): TesseraError {
  if (err instanceof TesseraError) return err;
  return new TesseraError('ERR_INTERNAL', 'peer verification failed unexpectedly', { cause: err });
}

/**
 * Calls `fire` at `atMs` (epoch ms, by `now`), re-arming across setTimeout's
 * 24.8-day limit; the timer never keeps the process alive. Returns a canceller.
 * Throws only what `fire` throws when `atMs` has already passed.
 *
 * @example const cancel = fireAt(expiresAtMs, Date.now, () => socket.destroy()); socket.once('close', cancel);
 */
export function fireAt(atMs: number, now: () => number, fire: () => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    const delay = atMs - now();
    if (delay <= 0) return fire();
    timer = setTimeout(arm, Math.min(delay, MAX_TIMER_MS));
    timer.unref();
  };
  arm();
  return () => clearTimeout(timer);
}

/**
 * What a revocation list checks about a verified peer: its ID, its leaf's
 * serial, and its ancestors from the lineage extension (the CA signed the
 * certificate, so the extension is the CA's word). Never throws: a malformed
 * lineage adds no ancestors here (lineage verification refuses it). `fields`:
 * the leaf as readCertificate read it, so a caller that has it does not read it again.
 *
 * @example revocations.check(revocationSubjectOf(verified.id, verified.verifiedChain[0]!.raw));
 */
export function revocationSubjectOf(id: SpiffeId, leafDer: Uint8Array, fields?: CertificateFields): RevocationSubject {
  // The same leaf object (a verified path reused for a returning peer) gives the same subject.
  const known = revocationSubjects.get(leafDer);
  if (known?.id === id) return known;
  const subject = readRevocationSubject(id, fields ?? readCertificate(leafDer));
  revocationSubjects.set(leafDer, subject);
  return subject;
}

const revocationSubjects = new WeakMap<Uint8Array, RevocationSubject>();

function readRevocationSubject(id: SpiffeId, fields: CertificateFields): RevocationSubject {
  let ancestors: string[] = [];
  try {
    ancestors = lineageOfCertificate(fields)?.hops.map((hop) => hop.record.delegator) ?? [];
  } catch {
    // See above: nothing to add.
  }
  return { id, serialHex: fields.serialHex, ancestors };
}

/**
 * The X509-SVID and authorizer checks on the chain Node reports for a peer
 * (`getPeerCertificate(true)`, as checkServerIdentity receives it), against the
 * bundle of the peer's own trust domain, which must be one of the trusted ones;
 * then, when a revocation list is given, the revocation check.
 *
 * @throws {PeerError} or {SvidError}; {PeerError} ERR_REVOKED, {TesseraError} ERR_REVOCATION_STALE.
 * @example checkServerIdentity: (_h, cert) => { verifyPeerCertificate(cert, source, source, authorizeAny(), undefined, systemClock) }
 */
export function verifyPeerCertificate(
  cert: PeerCertificate,
  svid: X509SvidSource,
  bundle: X509BundleSource,
  authorizer: Authorizer,
  trustDomains: readonly string[] | undefined,
  clock: Clock,
  revocations?: RevocationList,
): VerifiedX509Svid {
  return verifyPeerChain(chainFromPeerCertificate(cert), svid, bundle, authorizer, trustDomains, clock, revocations);
}

function verifyPeerChain(
  chain: readonly Buffer[],
  svid: X509SvidSource,
  bundle: X509BundleSource,
  authorizer: Authorizer,
  trustDomains: readonly string[] | undefined,
  clock: Clock,
  revocations: RevocationList | undefined,
): VerifiedX509Svid {
  if (chain.length === 0) throw new PeerError('ERR_PEER_UNAUTHENTICATED', 'peer presented no certificate');
  const bundles = restrictBundles(withRevokedAuthoritiesOf(bundle, revocations), trustDomainsOf(svid, trustDomains));
  const nowMs = clock.now();
  const verified = rememberedVerification(chain[0]!, bundles, nowMs) ?? verifyAndRemember(chain, bundles, nowMs);
  return admitVerified(verified, authorizer, revocations);
}

/**
 * verifyPeerCertificate for a server-side socket. A returning peer (same leaf,
 * verified before against the same bundle object, whole path still valid) is
 * recognised from its leaf alone (`getPeerCertificate(false)`); only a new one
 * costs `getPeerCertificate(true)`, which builds Node's object for every
 * certificate of the chain (about ten times the leaf's), and a full verification.
 * (Not `getPeerX509Certificate()`: in Node it deletes the leaf from OpenSSL's peer
 * chain, so a later `getPeerCertificate(true)` on the socket loses the chain.) A
 * chain that Node reports as the leaf alone is completed first (see below).
 *
 * @throws like verifyPeerCertificate.
 * @example const verified = verifyPeerSocket(socket, source, source, authorizeAny(), undefined, systemClock);
 */
export function verifyPeerSocket(
  socket: TLSSocket,
  svid: X509SvidSource,
  bundle: X509BundleSource,
  authorizer: Authorizer,
  trustDomains: readonly string[] | undefined,
  clock: Clock,
  revocations?: RevocationList,
): VerifiedX509Svid {
  const leaf = (socket.getPeerCertificate(false) as Partial<PeerCertificate> | null)?.raw;
  if (leaf) {
    const bundles = restrictBundles(withRevokedAuthoritiesOf(bundle, revocations), trustDomainsOf(svid, trustDomains));
    const remembered = rememberedVerification(leaf, bundles, clock.now());
    if (remembered) return admitVerified(remembered, authorizer, revocations);
  }
  const chain = chainFromPeerCertificate(socket.getPeerCertificate(true));
  return verifyPeerChain(completeLeafOnly(chain, svid), svid, bundle, authorizer, trustDomains, clock, revocations);
}

// Node 24.21.0 and 26.8.x (nodejs/node#65579), and any Node once
// getPeerX509Certificate() was called on the socket, report only the client's
// leaf to the server, though OpenSSL verified the whole chain it sent. Such a
// chain is completed with the intermediates this process has seen: those of its
// own SVID and those on peer paths it verified. Nothing is trusted for being
// here: the path builder uses only a certificate that chains by name and
// signature, and the path must still end at the peer's own trust domain's bundle.
const MAX_KNOWN_INTERMEDIATES = MAX_CHAIN_CERTS - 1;
const knownIntermediates = new Map<string, Buffer>();

function learnIntermediates(certs: readonly Uint8Array[]): void {
  for (const der of certs) {
    const key = derKey(der);
    knownIntermediates.delete(key);
    knownIntermediates.set(key, Buffer.from(der));
    if (knownIntermediates.size > MAX_KNOWN_INTERMEDIATES) knownIntermediates.delete(knownIntermediates.keys().next().value!);
  }
}

function completeLeafOnly(chain: Buffer[], svid: X509SvidSource): Buffer[] {
  if (chain.length !== 1) return chain;
  learnIntermediates(svid.getX509Svid().certificates.slice(1));
  return [chain[0]!, ...knownIntermediates.values()];
}

/** The checks that run on every connection, remembered path or not. */
function admitVerified(verified: VerifiedX509Svid, authorizer: Authorizer, revocations: RevocationList | undefined): VerifiedX509Svid {
  authorizePeer(authorizer, verified.id, verified.verifiedChain);
  revocations?.check(revocationSubjectOf(verified.id, verified.verifiedChain[0]!.raw));
  return verified;
}

// Verified peer paths, by leaf: a peer that connects again (an agent calling a
// service once more) is not verified from scratch. A path is reused only for the
// very same leaf bytes, against the very same bundle object it was verified with
// (a changed bundle is a new object), and while every certificate on it is valid;
// outside that window the full verification runs and reports why. The authorizer
// and the revocation check run on every connection. Least recently used first out.
const MAX_REMEMBERED = 1024;
const remembered = new Map<string, { leaf: Buffer; verified: VerifiedX509Svid; bundle: X509Bundle; fromMs: number; untilMs: number }>();

const derKey = (der: Uint8Array) => createHash('sha256').update(der).digest('base64');

function rememberedVerification(leaf: Uint8Array, bundles: X509BundleSource, nowMs: number): VerifiedX509Svid | undefined {
  const key = derKey(leaf);
  const entry = remembered.get(key);
  if (!entry || !entry.leaf.equals(leaf)) return undefined;
  // RFC 5280 4.1.2.5: both bounds inclusive, as in verifyCertificateChain.
  if (nowMs < entry.fromMs || nowMs > entry.untilMs) return undefined;
  if (bundles.getX509BundleForTrustDomain(entry.verified.id.trustDomain) !== entry.bundle) return undefined;
  remembered.delete(key);
  remembered.set(key, entry);
  return entry.verified;
}

function verifyAndRemember(chain: readonly Buffer[], bundles: X509BundleSource, nowMs: number): VerifiedX509Svid {
  let used: X509Bundle | undefined;
  const recording: X509BundleSource = { getX509BundleForTrustDomain: (td) => (used = bundles.getX509BundleForTrustDomain(td)) };
  const verified = verifyX509Svid(chain, recording, { nowMs });
  learnIntermediates(verified.verifiedChain.slice(1, -1).map((cert) => cert.raw));
  if (used) {
    const validities = verified.verifiedChain.map(validityOf);
    if (remembered.size >= MAX_REMEMBERED) remembered.delete(remembered.keys().next().value!);
    remembered.set(derKey(chain[0]!), {
      leaf: Buffer.from(chain[0]!),
      verified,
      bundle: used,
      fromMs: Math.max(...validities.map((v) => v.notBeforeMs)),
      untilMs: Math.min(...validities.map((v) => v.notAfterMs)),
    });
  }
  return verified;
}
