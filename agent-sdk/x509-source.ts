import { EventEmitter } from 'node:events';
import type { ServiceError } from '@grpc/grpc-js';
import type { KeyObject } from 'node:crypto';
import type { OrchestratorAttestor } from './attestor.js';
import { X509Bundle, type X509BundleSource, certificatesFromPem } from './bundle.js';
import { CaClient, type CaEndpoints, type IssuedCertificates } from './ca-client.js';
import { type Clock, systemClock } from './clock.js';
import { createCsr } from './csr.js';
import { PeerError, SvidError, TesseraError } from './errors.js';
import { errorFromServiceError } from './error-status.js';
import { RevocationList, isAuthorityEntry, type RevocationEntry } from './revocation-list.js';
import { withRevokedAuthorities, withoutRevokedJwtKeys } from './revoked-authority.js';
import { RevocationFollower } from './revocation.js';
import { BundleFollower } from './bundle-follower.js';
import type { TrustBundle__Output } from './gen/tessera/v1/TrustBundle.js';
import { revocationSubjectOf } from './tls-material.js';
import { checkedSourceOptions } from './source-options.js';
import { MAX_TIMER_MS } from './timers.js';
import type { X509Svid, X509SvidSource } from './svid.js';
import { readCertificate, subjectPublicKeyInfoOf } from './certificate.js';
import { generateP256Key } from './p256-key.js';
import { spiffeIdFromCertificate } from './verify.js';
import type { JwtBundle, JwtBundleSource } from './jwt-bundle.js';

/** The environment variables an orchestrator passes to a child (see `Orchestrator.spawn`). */
export const ENV = {
  ticket: 'TESSERA_SPAWN_TICKET',
  address: 'TESSERA_CA_ADDRESS',
  mtlsAddress: 'TESSERA_CA_MTLS_ADDRESS',
  trustDomain: 'TESSERA_TRUST_DOMAIN',
  bundle: 'TESSERA_TRUST_BUNDLE',
} as const;

/** How the source rotates and retries. */
export interface RotationOptions {
  /** Rotate at this fraction of the lifetime (default 0.5)... */
  readonly at?: number;
  /** ...minus a random part of the lifetime up to this fraction (default 0.1), so agents spawned together do not renew together. */
  readonly jitter?: number;
  /** First retry delay after a failed renewal (default 1 s); doubles up to maxRetryMs. */
  readonly retryMs?: number;
  /** Longest retry delay (default 30 s). */
  readonly maxRetryMs?: number;
  /**
   * How to prove the current SVID to the CA (default 'proof'): a signature in the
   * request over the channel kept to the CA, no handshake (RenewX509SVIDWithProof;
   * over mutual TLS when the CA cannot judge the proof, see ERR_SVID_PROOF_UNUSABLE),
   * or 'mutual-tls', a new connection presenting it (for a CA that predates proofs).
   */
  readonly renewWith?: 'proof' | 'mutual-tls';
  /**
   * An SVID whose intermediate the trust domain tainted or revoked is renewed
   * after a random delay up to this long (default 2 s), so a fleet does not renew
   * in one burst: a large one wants longer (about its size over the CA's renewals per second).
   */
  readonly taintSpreadMs?: number;
}

/** How the source follows the CA's revocations (docs/revocation.md). */
export interface RevocationOptions {
  /**
   * Cut off from the CA for longer than this, every peer check fails with
   * ERR_REVOCATION_STALE and tracked connections close (default 5 minutes, the
   * default agent SVID lifetime; set it to the SVID lifetime of your trust domain).
   */
  readonly staleAfterMs?: number;
  /** Keep accepting peers when stale instead of failing closed (default false). */
  readonly failOpen?: boolean;
  /** How long creating the source waits for the first revocation list (default 5 s); after that it goes on and the list keeps trying. */
  readonly syncTimeoutMs?: number;
}

export interface X509SourceOptions {
  readonly endpoints: CaEndpoints;
  /** The trust bundle the CA's own SVID is checked against. */
  readonly bundle: X509Bundle;
  readonly clock?: Clock;
  readonly rotation?: RotationOptions;
  /** Revocation following, on by default; `false` turns it off (the TLS and gRPC helpers then check no revocation). */
  readonly revocation?: RevocationOptions | false;
}

// A renewal refused for one of these reasons will be refused again: stop retrying.
const FINAL: ReadonlySet<string> = new Set([
  'ERR_RENEWAL_LIMIT', 'ERR_PERMISSION_DENIED', 'ERR_REVOKED', 'ERR_PEER_UNAUTHORIZED', 'ERR_POLICY_DENIED', 'ERR_SVID_PROOF_INVALID',
]);
/**
 * The SVID and trust bundle of this process, kept current. The private key is
 * made here and lives in memory only; every rotation makes a new one. Emits
 * `'update'` after each new SVID or bundle and `'updateFailed'` (with a
 * TesseraError) when a renewal fails; on failure it keeps the current SVID until
 * it expires and retries with backoff, and if none succeeds in time it emits
 * `'updateFailed'` with ERR_SVID_EXPIRED and stops. It also follows the CA's revocations
 * (`revocations`), which the TLS and gRPC helpers enforce on every peer; when
 * this source's own identity is revoked it stops renewing and emits
 * `'updateFailed'` with ERR_REVOKED.
 *
 * @example
 * const source = await X509Source.fromEnv(); // in an agent spawned by an orchestrator
 * const server = createMtlsServer(source, source, { authorizer: authorizeMemberOf('tessera.local') }, onConnection);
 */
export class X509Source extends EventEmitter implements X509SvidSource, X509BundleSource, JwtBundleSource {
  readonly #client: CaClient;
  readonly #clock: Clock;
  readonly #rotation: Required<RotationOptions>;
  #svid: X509Svid;
  /** When the current SVID arrived: rotation counts from here, not from the backdated notBefore. */
  #receivedAtMs: number;
  #rotationTimer: NodeJS.Timeout | undefined;
  readonly #bundleFollower: BundleFollower;
  #closed = false;
  readonly #revocations: RevocationList | undefined;
  readonly #follower: RevocationFollower | undefined;
  #revoked = false;
  /**
   * The CA could not judge the last proof (ERR_SVID_PROOF_UNUSABLE: our clock is too far
   * from its own, or it issued the SVID before proofs): the revocation stream goes over
   * mutual TLS, which depends on neither, until a renewal with a proof succeeds again.
   */
  #proofUnusable = false;
  /** The revocation stream was opened with a proof: it outlives the SVID while the identity renews. */
  #followingWithProof = false;
  /** The renewal under way, if any (see renewalSettled). */
  #renewing: Promise<X509Svid> | undefined;

  /** `rotation`: checkedSourceOptions' answer, from before the ticket or token was spent. */
  private constructor(options: X509SourceOptions, rotation: Required<RotationOptions>, first: { issued: IssuedCertificates; key: KeyObject }) {
    super();
    this.#clock = options.clock ?? systemClock;
    this.#rotation = rotation;
    this.#svid = toSvid(first.issued, first.key);
    this.#receivedAtMs = this.#clock.now();
    this.#client = new CaClient({ endpoints: options.endpoints, bundle: first.issued.bundle, jwtBundle: first.issued.jwtBundle, svid: this });
    if (options.revocation !== false) {
      this.#revocations = new RevocationList({ trustDomain: first.issued.bundle.trustDomain, clock: this.#clock, ...options.revocation });
      this.#follower = new RevocationFollower({ list: this.#revocations, open: (after) => this.#openRevocations(after) });
      this.#revocations.on('revoked', (entry: RevocationEntry) => {
        if (this.#revocations!.isRevoked(revocationSubjectOf(this.#svid.id, this.#svid.certificates[0]!))) this.#selfRevoked();
        // The bundles handed out leave a revoked authority at once, whether or not the bundle stream said so yet.
        if (isAuthorityEntry(entry)) this.emit('update');
      });
      this.#follower.on('stopped', (err: TesseraError) => {
        if (err.code === 'ERR_REVOKED') this.#selfRevoked();
      });
      this.#follower.start();
    }
    this.#schedule(this.#rotationDelay());
    this.#bundleFollower = new BundleFollower({ open: () => this.#client.watchTrustBundle(), onBundle: (b) => this.#bundleArrived(b) });
    this.#bundleFollower.start();
  }

  /** Waits (at most syncTimeoutMs) for the first revocation list, so peer checks start informed. */
  async #firstSync(options: X509SourceOptions): Promise<this> {
    if (this.#follower && options.revocation !== false) await this.#follower.synced(options.revocation?.syncTimeoutMs ?? 5_000);
    return this;
  }

  /**
   * Activates a spawn ticket and resolves with the source once the first SVID is in.
   *
   * @throws {TesseraError} ERR_TICKET_USED, ERR_TICKET_EXPIRED, ERR_TICKET_INVALID, ERR_UNAVAILABLE;
   *   ERR_INVALID_ARGUMENT for an option out of range (checkedSourceOptions), the ticket unused.
   * @example const source = await X509Source.fromTicket({ ticket, endpoints, bundle });
   */
  static async fromTicket(options: X509SourceOptions & { ticket: string }): Promise<X509Source> {
    const rotation = checkedSourceOptions(options.rotation, options.revocation);
    const key = generateP256Key();
    const client = new CaClient({ endpoints: options.endpoints, bundle: options.bundle });
    try {
      return await new X509Source(options, rotation, { issued: await client.activate(options.ticket, createCsr(key)), key }).#firstSync(options);
    } finally {
      client.close();
    }
  }

  /**
   * Reads what an orchestrator passed in the environment (see ENV), removes it
   * from `env` so that nothing later in this process (or its children) sees the
   * ticket, then activates.
   *
   * @throws {TesseraError} ERR_INVALID_ARGUMENT when a variable is missing, and whatever fromTicket throws.
   * @example const source = await X509Source.fromEnv();
   */
  static async fromEnv(env: NodeJS.ProcessEnv = process.env, options: Partial<X509SourceOptions> = {}): Promise<X509Source> {
    // Before the environment is consumed: a bad option must not cost the agent its ticket.
    checkedSourceOptions(options.rotation, options.revocation);
    const read = (name: string) => {
      const value = env[name];
      delete env[name];
      return value;
    };
    const [ticket, address, mtlsAddress, trustDomain, bundlePem] = [ENV.ticket, ENV.address, ENV.mtlsAddress, ENV.trustDomain, ENV.bundle].map(read);
    if (!ticket || !address || !mtlsAddress || !trustDomain || !bundlePem) {
      throw new TesseraError('ERR_INVALID_ARGUMENT', `the environment lacks ${Object.values(ENV).join(', ')}: was this process spawned by a Tessera orchestrator?`);
    }
    const bundle = new X509Bundle(trustDomain, certificatesFromPem(bundlePem));
    return X509Source.fromTicket({ ...options, ticket, endpoints: { address, mtlsAddress }, bundle });
  }

  /**
   * Attests this process as an orchestrator with a node-attestor plugin and
   * resolves once its first SVID is in.
   *
   * @throws {TesseraError} the attestor's refusal (ERR_JOIN_TOKEN_USED, ERR_ATTESTATION_FAILED, ...) or ERR_UNAVAILABLE;
   *   ERR_INVALID_ARGUMENT for an option out of range (checkedSourceOptions), nothing sent.
   * @example const source = await X509Source.fromAttestation({ attestor: joinTokenClient(token), endpoints, bundle });
   */
  static async fromAttestation(options: X509SourceOptions & { attestor: OrchestratorAttestor }): Promise<X509Source> {
    const rotation = checkedSourceOptions(options.rotation, options.revocation);
    const key = generateP256Key();
    const client = new CaClient({ endpoints: options.endpoints, bundle: options.bundle });
    try {
      return await new X509Source(options, rotation, { issued: await client.attest(options.attestor, createCsr(key)), key }).#firstSync(options);
    } finally {
      client.close();
    }
  }

  /** The current SVID. Never blocks. @throws {TesseraError} ERR_UNAVAILABLE after close(). */
  getX509Svid(): X509Svid {
    if (this.#closed) throw new TesseraError('ERR_UNAVAILABLE', 'the X509Source is closed');
    return this.#svid;
  }

  /**
   * The bundle of this source's trust domain, or of a trust domain its CA federates
   * with; undefined for any other. The TLS helpers still trust only the trust
   * domains they are given (`trustDomains`, default this source's own).
   */
  getX509BundleForTrustDomain(trustDomain: string): X509Bundle | undefined {
    return trustDomain === this.#client.bundle.trustDomain ? this.bundle : this.#client.federatedBundles.get(trustDomain)?.x509;
  }

  /**
   * The JWT keys (for validateJwtSvid) of this source's trust domain or a federated one, from the CA's last bundle
   * less the keys its revocation feed revoked; undefined for any other.
   */
  getJwtBundleForTrustDomain(trustDomain: string): JwtBundle | undefined {
    const jwt = this.#client.jwtBundle;
    return jwt?.trustDomain === trustDomain ? withoutRevokedJwtKeys(jwt, this.#revocations) : this.#client.federatedBundles.get(trustDomain)?.jwt;
  }

  /**
   * The current trust bundle, with the authorities the revocation feed revoked
   * (withRevokedAuthorities): the bundle stream and the feed each carry them,
   * and the first to arrive is in force.
   */
  get bundle(): X509Bundle {
    return withRevokedAuthorities(this.#client.bundle, this.#revocations);
  }

  /** The CA client authenticated with this source's SVID (for spawn, tokens, ...). */
  get caClient(): CaClient {
    return this.#client;
  }

  /**
   * The CA's revocations as this source follows them; undefined when following
   * is off. The TLS and gRPC helpers find it here, and so does validateJwtSvid
   * when this source is its `bundle`.
   */
  get revocations(): RevocationList | undefined {
    return this.#revocations;
  }

  /**
   * Releases this identity at the end of its task: the CA revokes it (and,
   * for an agent, everything it delegated to), durably, before this resolves;
   * then the source closes. Releasing an identity already revoked succeeds.
   *
   * @throws {TesseraError} ERR_UNAVAILABLE when the CA cannot be reached (the source stays open: retry).
   * @example await source.release(); // the task is done
   */
  async release(): Promise<void> {
    try {
      await this.#client.releaseIdentity();
    } catch (err) {
      if (!(err instanceof TesseraError && err.code === 'ERR_REVOKED')) throw err;
    }
    this.close();
  }

  /** Renews now, whatever the schedule; resolves with the new SVID. @throws {TesseraError} as renewal does. */
  rotate(): Promise<X509Svid> {
    return this.#renew(true);
  }

  /**
   * Resolves once no renewal is under way (whether it succeeded or not). A call the CA
   * refused because a renewal it already committed made this SVID old can wait for it
   * and go again with the new one (delegateToSubAgent does).
   */
  async renewalSettled(): Promise<void> {
    await this.#renewing?.catch(() => {});
  }

  /**
   * A caller of rotate() gets the CA client's wait for a reconnecting channel;
   * the schedule does not (`waitForChannel: false`): it retries with its own backoff,
   * so a CA that is down is reported and retried at once, not after the wait.
   */
  #renew(waitForChannel: boolean): Promise<X509Svid> {
    const renewing = this.#renewOnce(waitForChannel).finally(() => {
      if (this.#renewing === renewing) this.#renewing = undefined;
    });
    this.#renewing = renewing;
    return renewing;
  }

  async #renewOnce(waitForChannel: boolean): Promise<X509Svid> {
    const key = generateP256Key();
    const csr = createCsr(key);
    // Each renewal tries a proof first (when configured), so that one the CA could not judge
    // (see #proofUnusable) is tried again once the cause may be gone.
    const issued = this.#rotation.renewWith === 'proof'
      ? await this.#client.renewWithProof(csr, this.#svid, this.#clock.now(), { waitForChannel }).then((done) => {
        this.#proofUnusable = false;
        return done;
      }, (err: unknown) => {
        if (!isProofUnusable(err)) throw err;
        this.#proofUnusable = true;
        return this.#client.renew(csr, { waitForChannel });
      })
      : await this.#client.renew(csr, { waitForChannel });
    if (!issued.id.equals(this.#svid.id)) throw new TesseraError('ERR_SVID_INVALID', 'the CA renewed a different identity');
    this.#svid = toSvid(issued, key);
    this.#receivedAtMs = this.#clock.now();
    // A revocation stream over mutual TLS lives no longer than the certificate it was opened
    // with; one opened with a proof follows the identity while it renews (revocation.proto),
    // unless it is broken: the CA just answered, so reconnect now rather than after the backoff.
    if (!this.#followingWithProof || !this.#revocations?.isCurrent()) this.#follower?.restart();
    this.emit('update');
    return this.#svid;
  }

  /** The revocation stream, over the kept public channel with a proof of the current SVID, or over mutual TLS. */
  #openRevocations(afterSequence: number): ReturnType<CaClient['watchRevocations']> {
    this.#followingWithProof = this.#rotation.renewWith === 'proof' && !this.#proofUnusable;
    if (!this.#followingWithProof) return this.#client.watchRevocations(afterSequence);
    const stream = this.#client.watchRevocationsWithProof(afterSequence, this.#svid, this.#clock.now());
    stream.on('error', (err: ServiceError) => {
      if (!isProofUnusable(errorFromServiceError(err))) return;
      // Reopen over mutual TLS at once rather than after the follower's backoff (this
      // listener runs before the follower's, which then ignores the stream it no longer holds).
      this.#proofUnusable = true;
      this.#follower?.restart();
    });
    return stream;
  }

  /** Stops rotation and closes the connections. The SVID is dropped. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#rotationTimer);
    this.#bundleFollower.close();
    this.#follower?.close();
    this.#revocations?.close();
    this.#client.close();
    this.removeAllListeners();
  }

  /** This identity was revoked: renewing is pointless, and the holder should know. */
  #selfRevoked(): void {
    if (this.#revoked || this.#closed) return;
    this.#revoked = true;
    clearTimeout(this.#rotationTimer);
    this.emit('updateFailed', new PeerError('ERR_REVOKED', 'this identity was revoked'));
  }

  #rotationDelay(): number {
    const lifetime = this.#svid.expiresAtMs - this.#receivedAtMs;
    const at = this.#receivedAtMs + lifetime * this.#rotation.at - Math.random() * lifetime * this.#rotation.jitter;
    return Math.max(0, at - this.#clock.now());
  }

  #schedule(delayMs: number, retryMs = this.#rotation.retryMs): void {
    if (this.#closed || this.#revoked) return;
    clearTimeout(this.#rotationTimer);
    // Clamped: an SVID living past twice 24.8 days renews early rather than at once.
    this.#rotationTimer = setTimeout(() => {
      this.#renew(false).then(
        // Not #rotationDelay() alone: a renewal the CA signed before the taint may answer after
        // the tainted bundle came in; rescheduling by the lifetime would cancel the taint's renewal.
        () => this.#schedule(this.#leaving() ? this.#taintDelay() : this.#rotationDelay()),
        (err: unknown) => {
          if (this.#closed) return;
          const error = err instanceof TesseraError ? err : new TesseraError('ERR_INTERNAL', 'renewal failed', { cause: err });
          this.emit('updateFailed', error);
          const remaining = this.#svid.expiresAtMs - this.#clock.now();
          if (FINAL.has(error.code)) return;
          if (remaining <= 0) {
            // Retrying is over: say so, or the holder never learns that its SVID is gone.
            this.emit('updateFailed', new SvidError('ERR_SVID_EXPIRED', 'the SVID expired before it could be renewed; this identity needs a new spawn ticket'));
            return;
          }
          // Keep the current SVID; try again before it runs out.
          this.#schedule(Math.min(retryMs, remaining / 2), Math.min(retryMs * 2, this.#rotation.maxRetryMs));
        },
      );
    }, Math.min(delayMs, MAX_TIMER_MS)).unref();
  }

  /** The CA pushed a bundle: take it if newer, and leave a tainted or revoked authority now. */
  #bundleArrived(message: TrustBundle__Output): void {
    const before = { bundle: this.#client.bundle, federated: this.#client.federatedBundles };
    const bundle = this.#client.adoptTrustBundle(message);
    if (bundle === before.bundle && this.#client.federatedBundles === before.federated) return;
    this.emit('update');
    if (this.#leaving()) this.#schedule(this.#taintDelay());
  }

  /** Whether the trust domain tainted or revoked the intermediate that signed the SVID held now. */
  #leaving(): boolean {
    const issuer = this.#svid.certificates[1];
    if (!issuer) return false;
    const issuerKey = readCertificate(issuer).subjectPublicKeyInfo;
    const bundle = this.#client.bundle;
    return [...bundle.taintedAuthorities, ...bundle.revokedAuthorities].some((key) => key.equals(issuerKey));
  }

  #taintDelay(): number {
    return Math.random() * this.#rotation.taintSpreadMs;
  }
}

function isProofUnusable(err: unknown): boolean {
  return err instanceof TesseraError && err.code === 'ERR_SVID_PROOF_UNUSABLE';
}

/**
 * The SVID the CA issued for `privateKey`. Its certificate must name the ID the
 * CA reported and hold this key: a CA fault caught here is a failed activation or
 * renewal with a clear reason, not a certificate that every peer and OpenSSL
 * refuse later. (Its chain is for peers to verify; the CA was authenticated.)
 *
 * @throws {SvidError} ERR_SVID_INVALID.
 */
function toSvid(issued: IssuedCertificates, privateKey: KeyObject): X509Svid {
  const der = issued.certificates[0]!;
  const leaf = readCertificate(der);
  if (!spiffeIdFromCertificate(der).equals(issued.id)) throw new SvidError('ERR_SVID_INVALID', `the CA returned a certificate that does not name ${issued.id}`);
  const spki = subjectPublicKeyInfoOf(privateKey);
  if (!spki.equals(leaf.subjectPublicKeyInfo)) throw new SvidError('ERR_SVID_INVALID', 'the CA returned a certificate for another key');
  return { id: issued.id, certificates: issued.certificates, privateKey, notBeforeMs: leaf.notBeforeMs, expiresAtMs: leaf.notAfterMs };
}
