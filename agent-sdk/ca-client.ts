import type { PeerCertificate } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import type { OrchestratorAttestor } from './attestor.js';
import { X509Bundle } from './bundle.js';
import { errorFromServiceError } from './error-status.js';
import { TesseraError } from './errors.js';
import type { TrustBundle__Output } from './gen/tessera/v1/TrustBundle.js';
import type { X509SVID__Output } from './gen/tessera/v1/X509SVID.js';
import type { AttestResponse__Output } from './gen/tessera/v1/AttestResponse.js';
import type { ActivateResponse__Output } from './gen/tessera/v1/ActivateResponse.js';
import type { GetTrustBundleResponse__Output } from './gen/tessera/v1/GetTrustBundleResponse.js';
import type { WatchTrustBundleResponse__Output } from './gen/tessera/v1/WatchTrustBundleResponse.js';
import type { RenewX509SVIDResponse__Output } from './gen/tessera/v1/RenewX509SVIDResponse.js';
import type { RenewX509SVIDWithProofResponse__Output } from './gen/tessera/v1/RenewX509SVIDWithProofResponse.js';
import type { SpawnResponse__Output } from './gen/tessera/v1/SpawnResponse.js';
import type { MintJWTSVIDResponse__Output } from './gen/tessera/v1/MintJWTSVIDResponse.js';
import type { PrepareDelegationResponse__Output } from './gen/tessera/v1/PrepareDelegationResponse.js';
import type { DelegateResponse__Output } from './gen/tessera/v1/DelegateResponse.js';
import type { CompleteTaskResponse__Output } from './gen/tessera/v1/CompleteTaskResponse.js';
import type { ReleaseIdentityResponse__Output } from './gen/tessera/v1/ReleaseIdentityResponse.js';
import type { WatchRevocationsResponse__Output } from './gen/tessera/v1/WatchRevocationsResponse.js';
import type { JwtBundle } from './jwt-bundle.js';
import { type TrustDomainBundles, bundlesFromWire, federatedBundlesFromWire, sameFederatedBundles } from './bundle-wire.js';
import type { RevocationEntry } from './revocation-list.js';
import { revocationEntryFromWire } from './revocation-wire.js';
import { tesseraProto } from './proto.js';
import { SpiffeId } from './spiffe-id.js';
import type { X509Svid, X509SvidSource } from './svid.js';
import { caId } from './tessera-id.js';
import { int32Seconds } from './wire-seconds.js';
import { spiffeIdFromCertificate } from './verify.js';
import { clientContext } from './tls-material.js';
import { replicasOf } from './ca-endpoints.js';
import { proveSvid } from './svid-proof.js';

/**
 * Where the CA listens. Several replicas: comma-separated lists, one replica
 * at the same position in both (ca-endpoints.ts); the client moves to the next
 * one when a call finds its replica unavailable.
 */
export interface CaEndpoints {
  /** host:port of its public TLS listener (attestation, activation, bundle). */
  readonly address: string;
  /** host:port of its mutual-TLS listener (spawn, renewal). */
  readonly mtlsAddress: string;
}

/** SVID certificates as the CA returned them, before they are paired with a key. */
export interface IssuedCertificates {
  readonly id: SpiffeId;
  /** DER, the leaf first. */
  readonly certificates: Buffer[];
  readonly expiresAtMs: number;
  /** The CA's current trust bundle. */
  readonly bundle: X509Bundle;
  /** The JWT keys that came with it, when the CA signs task tokens. */
  readonly jwtBundle?: JwtBundle;
}

/** What an orchestrator passes to a child so that it can activate. */
export interface SpawnedAgent {
  readonly id: SpiffeId;
  /** The one-time spawn ticket: a secret for the child only. */
  readonly ticket: string;
  readonly ticketExpiresAtMs: number;
}

/** A delegation the CA prepared: the record the delegator must sign (see agent-sdk/delegation.ts). */
export interface PreparedDelegation {
  readonly delegationId: string;
  /** The DER DelegationRecord (agent-sdk/lineage.ts). */
  readonly record: Buffer;
  /** The SPIFFE ID the sub-agent will hold. */
  readonly id: SpiffeId;
  readonly expiresAtMs: number;
}

const DEFAULT_DEADLINE_MS = 10_000;
/**
 * How long a call waits for a channel that is not connected (a CA restarting)
 * before it is sent anyway and fails ERR_UNAVAILABLE; within the call's deadline.
 * Longer than the longest reconnect backoff (1 s, makeClients, plus grpc's 20 %
 * jitter), so a CA that is up is found; short, so a renewal against a CA that is
 * down still fails (and is retried by the source) soon.
 */
const READY_WAIT_MS = 1_500;

/**
 * The typed gRPC client for the CA. It verifies the CA's server SVID
 * (`spiffe://<td>/tessera/ca`) against the bundle it is given on every
 * connection, and turns every failure into a TesseraError with the CA's code.
 * Calls over mutual TLS present the current SVID of `svid`; a new SVID (after a
 * rotation) gets a new connection.
 *
 * @example
 * const ca = new CaClient({ endpoints, bundle });
 * const issued = await ca.activate(ticket, createCsr(privateKey));
 */
export class CaClient {
  readonly #endpoints: CaEndpoints;
  readonly #replicas: CaEndpoints[];
  /** The replica in use: the next one after a call finds this one unavailable. */
  #at = 0;
  #bundle: X509Bundle;
  #jwtBundle: JwtBundle | undefined;
  #federated: ReadonlyMap<string, TrustDomainBundles> = new Map();
  readonly #svid: X509SvidSource | undefined;
  #public: ReturnType<typeof makeClients> | undefined;
  #mtls: { svid: X509Svid; bundle: X509Bundle; clients: ReturnType<typeof makeClients> } | undefined;

  constructor(params: { endpoints: CaEndpoints; bundle: X509Bundle; jwtBundle?: JwtBundle; svid?: X509SvidSource }) {
    this.#endpoints = params.endpoints;
    this.#replicas = replicasOf(params.endpoints);
    this.#bundle = params.bundle;
    this.#jwtBundle = params.jwtBundle;
    this.#svid = params.svid;
  }

  /** The bundle the client trusts the CA with; replaced by newer ones the CA returns. */
  get bundle(): X509Bundle {
    return this.#bundle;
  }

  /** The bundles of the trust domains the CA federates with, from the last bundle it returned; a new Map on every change. */
  get federatedBundles(): ReadonlyMap<string, TrustDomainBundles> {
    return this.#federated;
  }

  /** The JWT keys of the CA's trust domain, from the last bundle the CA returned; undefined before the first. */
  get jwtBundle(): JwtBundle | undefined {
    return this.#jwtBundle;
  }

  /** Where the CA listens: every replica. */
  get endpoints(): CaEndpoints {
    return this.#endpoints;
  }

  /**
   * Runs node attestation with a plugin's orchestrator half and returns the
   * orchestrator's certificates for the key in `csr`.
   *
   * @throws {TesseraError} the CA's refusal (ERR_JOIN_TOKEN_USED, ERR_ATTESTATION_FAILED, ...) or ERR_UNAVAILABLE.
   */
  async attest(attestor: OrchestratorAttestor, csr: Uint8Array): Promise<IssuedCertificates> {
    const { challenges } = attestor;
    if (challenges !== undefined && !(Number.isSafeInteger(challenges) && challenges >= 0)) {
      throw new TesseraError('ERR_INVALID_ARGUMENT', `the ${attestor.name} attestor's challenges must be a whole number from 0, not ${challenges}`);
    }
    const payload = await attestor.payload();
    return this.#failover(() => this.#attestOnce(attestor, payload, csr));
  }

  async #attestOnce(attestor: OrchestratorAttestor, payload: Uint8Array, csr: Uint8Array): Promise<IssuedCertificates> {
    const deadline = Date.now() + DEFAULT_DEADLINE_MS;
    const { attestation } = this.#publicClients();
    await whenReady(attestation);
    const call = attestation.Attest({ deadline });
    return new Promise((resolve, reject) => {
      let settled = false;
      let answered = 0;
      let halfClosed = false;
      // Done sending: the CA's status, even a refusal, then ends the stream on its side (see
      // OrchestratorAttestor.challenges).
      const halfClose = () => {
        if (!halfClosed) call.end();
        halfClosed = true;
      };
      const fail = (err: unknown) => {
        if (settled) return;
        settled = true;
        call.cancel();
        reject(err);
      };
      call.on('data', (message: AttestResponse__Output) => {
        if (message.step === 'challenge' && message.challenge) {
          if (halfClosed) {
            fail(new TesseraError('ERR_ATTESTATION_FAILED', `the CA sent more challenges than the ${attestor.name} attestor takes (${attestor.challenges})`));
            return;
          }
          attestor.answer(message.challenge).then((answer) => {
            call.write({ challengeResponse: answer });
            if (++answered === attestor.challenges) halfClose();
          }, fail);
        } else if (message.step === 'result' && message.result) {
          settled = true;
          halfClose();
          try {
            resolve(this.#issued(message.result.svid, message.result.bundle));
          } catch (err) {
            reject(err);
          }
        }
      });
      call.on('error', (err: grpc.ServiceError) => fail(errorFromServiceError(err)));
      call.write({ params: { attestor: attestor.name, payload, csr } });
      if (attestor.challenges === 0) halfClose();
    });
  }

  /**
   * Asks for an identity for a new agent of a task (orchestrators only, over
   * mutual TLS) and returns its one-time spawn ticket.
   *
   * @throws {TesseraError} ERR_PERMISSION_DENIED, ERR_INVALID_ARGUMENT, ERR_SPIFFE_ID_INVALID, ERR_UNAVAILABLE;
   * ERR_VALUE_OUT_OF_RANGE (nothing sent) for a TTL beyond int32 seconds.
   */
  async spawn(params: { taskId: string; scopes?: string[]; sponsor: string; ttlMs?: number }): Promise<SpawnedAgent> {
    const request = {
      taskId: params.taskId, scopes: params.scopes ?? [], sponsor: params.sponsor, ttlSeconds: int32Seconds(params.ttlMs ?? 0, 'ttlMs'),
    };
    const res = await this.#failover(() => {
      const client = this.#mtlsClients().svid;
      return unary<SpawnResponse__Output>(client, (m, o, cb) => client.Spawn(request, m, o, cb));
    });
    return { id: SpiffeId.parse(res.spiffeId), ticket: res.ticket, ticketExpiresAtMs: res.ticketExpiresAtMs };
  }

  /**
   * Redeems a spawn ticket for the first SVID of the key in `csr`.
   *
   * @throws {TesseraError} ERR_TICKET_USED, ERR_TICKET_EXPIRED, ERR_TICKET_INVALID, ERR_CSR_INVALID, ERR_UNAVAILABLE.
   */
  async activate(ticket: string, csr: Uint8Array): Promise<IssuedCertificates> {
    const res = await this.#failover(() => {
      const client = this.#publicClients().svid;
      return unary<ActivateResponse__Output>(client, (m, o, cb) => client.Activate({ ticket, csr }, m, o, cb));
    });
    return this.#issued(res.svid, res.bundle);
  }

  /**
   * Renews the caller's identity (the current SVID of `svid`) for the key in `csr`.
   * `waitForChannel: false` sends at once (no READY_WAIT_MS) and fails fast when the
   * CA is not connected: for a caller that retries on its own schedule, like the
   * X509Source's background rotation. Waiting there only delayed each failure
   * report and each retry by the wait, which under load made an outage outlast
   * SVIDs that fast retries would have renewed.
   *
   * @throws {TesseraError} ERR_RENEWAL_LIMIT, ERR_PERMISSION_DENIED, ERR_REVOKED, ERR_UNAVAILABLE.
   */
  async renew(csr: Uint8Array, options: { waitForChannel?: boolean } = {}): Promise<IssuedCertificates> {
    const res = await this.#failover(() => {
      const client = this.#mtlsClients().svid;
      return unary<RenewX509SVIDResponse__Output>(client, (m, o, cb) => client.RenewX509SVID({ csr }, m, o, cb), options.waitForChannel);
    });
    return this.#issued(res.svid, res.bundle);
  }

  /**
   * Renews the identity of `svid` for the key in `csr` over the public channel this
   * client keeps (no client certificate, no new handshake), proving possession of
   * `svid`'s key with a signature over both at `signedAtMs` (svid-proof.ts).
   * The CA renews only an identity's newest SVID, whichever way it is asked.
   *
   * @throws {TesseraError} ERR_SVID_PROOF_UNUSABLE (this clock is too far from the CA's, or the
   * SVID predates proofs: renew() works), ERR_SVID_PROOF_INVALID, ERR_RENEWAL_LIMIT,
   * ERR_PERMISSION_DENIED, ERR_REVOKED, ERR_UNAVAILABLE; ERR_VALUE_OUT_OF_RANGE (nothing sent) for a
   * signedAtMs that is not a whole, non-negative, safe number.
   * @example const issued = await ca.renewWithProof(createCsr(newKey), source.getX509Svid(), Date.now());
   */
  async renewWithProof(csr: Uint8Array, svid: X509Svid, signedAtMs: number, options: { waitForChannel?: boolean } = {}): Promise<IssuedCertificates> {
    const request = { csr, proof: proveSvid(svid, 'renewal', csr, signedAtMs) };
    const res = await this.#failover(() => {
      const client = this.#publicClients().svid;
      return unary<RenewX509SVIDWithProofResponse__Output>(client, (m, o, cb) => client.RenewX509SVIDWithProof(request, m, o, cb), options.waitForChannel);
    });
    return this.#issued(res.svid, res.bundle);
  }

  /**
   * Mints a task token (JWT-SVID) for `audience` over mutual TLS (agents only),
   * bound to the certificate of the SVID this client presents now.
   *
   * @throws {TesseraError} ERR_SCOPE_INVALID, ERR_SCOPE_NOT_GRANTED, ERR_INVALID_ARGUMENT, ERR_PEER_UNAUTHORIZED, ERR_UNAVAILABLE;
   * ERR_VALUE_OUT_OF_RANGE (nothing sent) for a TTL beyond int32 seconds.
   */
  async mintJwtSvid(params: { audience: string; scopes?: readonly string[]; ttlMs?: number }): Promise<{ token: string; id: SpiffeId; expiresAtMs: number }> {
    const request = { audience: params.audience, scopes: [...(params.scopes ?? [])], ttlSeconds: int32Seconds(params.ttlMs ?? 0, 'ttlMs') };
    const res = await this.#failover(() => {
      const client = this.#mtlsClients().svid;
      return unary<MintJWTSVIDResponse__Output>(client, (m, o, cb) => client.MintJWTSVID(request, m, o, cb));
    });
    if (!res.svid?.token) throw new TesseraError('ERR_INTERNAL', 'the CA returned no token');
    return { token: res.svid.token, id: SpiffeId.parse(res.svid.spiffeId), expiresAtMs: res.svid.expiresAtMs };
  }

  /**
   * The first half of a delegation (agents only, over mutual TLS): returns the
   * record naming the sub-agent, to be signed by this client's SVID key.
   *
   * @throws {TesseraError} ERR_SCOPE_INVALID, ERR_DELEGATION_DENIED, ERR_POLICY_DENIED, ERR_PERMISSION_DENIED, ERR_UNAVAILABLE;
   * ERR_VALUE_OUT_OF_RANGE (nothing sent) for a TTL or lifetime beyond int32 seconds.
   */
  async prepareDelegation(params: { scopes: readonly string[]; ttlMs?: number; lifetimeMs?: number }): Promise<PreparedDelegation> {
    const request = {
      scopes: [...params.scopes], ttlSeconds: int32Seconds(params.ttlMs ?? 0, 'ttlMs'), lifetimeSeconds: int32Seconds(params.lifetimeMs ?? 0, 'lifetimeMs'),
    };
    const res = await this.#failover(() => {
      const client = this.#mtlsClients().svid;
      return unary<PrepareDelegationResponse__Output>(client, (m, o, cb) => client.PrepareDelegation(request, m, o, cb));
    });
    return { delegationId: res.delegationId, record: res.record, id: SpiffeId.parse(res.spiffeId), expiresAtMs: res.expiresAtMs };
  }

  /**
   * The second half of a delegation: the signature over the prepared record
   * for the sub-agent's one-time spawn ticket.
   *
   * @throws {TesseraError} ERR_DELEGATION_DENIED (unknown, used or expired delegation, bad signature), ERR_UNAVAILABLE.
   */
  async delegate(delegationId: string, signature: Uint8Array): Promise<SpawnedAgent> {
    const res = await this.#failover(() => {
      const client = this.#mtlsClients().svid;
      return unary<DelegateResponse__Output>(client, (m, o, cb) => client.Delegate({ delegationId, signature }, m, o, cb));
    });
    return { id: SpiffeId.parse(res.spiffeId), ticket: res.ticket, ticketExpiresAtMs: res.ticketExpiresAtMs };
  }

  /** Fetches the current trust bundle. @throws {TesseraError} ERR_UNAVAILABLE */
  async getTrustBundle(): Promise<X509Bundle> {
    const res = await this.#failover(() => {
      const client = this.#publicClients().bundle;
      return unary<GetTrustBundleResponse__Output>(client, (m, o, cb) => client.GetTrustBundle({}, m, o, cb));
    });
    return this.#adoptBundle(res.bundle);
  }

  /**
   * Opens the trust bundle stream (public listener): the current bundle, then
   * each new one. The caller adopts each with `adoptTrustBundle`, reads 'error'
   * and 'end', and cancels it when done; bundle-follower.ts does all that.
   *
   * @example const stream = client.watchTrustBundle();
   */
  watchTrustBundle(): grpc.ClientReadableStream<WatchTrustBundleResponse__Output> {
    return this.#publicClients().bundle.WatchTrustBundle({});
  }

  /**
   * Takes a bundle the CA sent when it is newer than the one held; returns the one in force.
   *
   * @throws {TesseraError} ERR_BUNDLE_INVALID when it is not a bundle of this client's trust domain.
   */
  adoptTrustBundle(message: TrustBundle__Output): X509Bundle {
    return this.#adoptBundle(message);
  }

  /**
   * Opens the revocation stream (over mutual TLS, with the current SVID),
   * resuming after `afterSequence`. The caller reads 'data', 'error' and 'end'
   * and cancels it when done; the follower in revocation.ts does all that.
   * It asks for authority entries (x509_authority, jwt_authority), which the CA
   * keeps from a client that does not ask (one built before they existed).
   *
   * @throws {TesseraError} ERR_PEER_UNAUTHENTICATED when the client has no SVID.
   * @example const stream = client.watchRevocations(list.head);
   */
  watchRevocations(afterSequence: number): grpc.ClientReadableStream<WatchRevocationsResponse__Output> {
    return this.#movingOnWhenUnavailable(this.#mtlsClients().revocation.WatchRevocations({ afterSequence, authorityEntries: true }));
  }

  /**
   * Opens the revocation stream over the public channel, proving `svid` (signed at
   * `signedAtMs`) instead of presenting it in a handshake; otherwise as
   * watchRevocations. It follows the identity: the CA ends it once the identity holds no
   * unexpired, unrevoked SVID (so it outlives `svid` while the identity renews), and
   * refuses it with ERR_SVID_PROOF_INVALID when `svid` is no longer the identity's newest.
   *
   * @throws {TesseraError} ERR_VALUE_OUT_OF_RANGE for a signedAtMs that is not a whole, non-negative, safe number.
   * @example const stream = client.watchRevocationsWithProof(list.head, source.getX509Svid(), Date.now());
   */
  watchRevocationsWithProof(afterSequence: number, svid: X509Svid, signedAtMs: number): grpc.ClientReadableStream<WatchRevocationsResponse__Output> {
    const proof = proveSvid(svid, 'revocationWatch', new Uint8Array(0), signedAtMs);
    // The same fields and numbers as WatchRevocationsResponse (revocation.proto).
    return this.#movingOnWhenUnavailable(this.#publicClients().revocation.WatchRevocationsWithProof({ afterSequence, proof, authorityEntries: true }));
  }

  /**
   * Releases this client's own identity (and, for an agent, everything it
   * delegated to) at the end of its task; resolves once the revocation is
   * durable. An empty list: it was already revoked.
   *
   * @throws {TesseraError} ERR_REVOKED when the CA already refuses this SVID, ERR_UNAVAILABLE.
   */
  async releaseIdentity(): Promise<RevocationEntry[]> {
    const res = await this.#failover(() => {
      const client = this.#mtlsClients().revocation;
      return unary<ReleaseIdentityResponse__Output>(client, (m, o, cb) => client.ReleaseIdentity({}, m, o, cb));
    });
    return res.entries.map(revocationEntryFromWire);
  }

  /**
   * Completes one of this orchestrator's tasks: every agent of it is revoked and
   * no new one can be spawned, activated or delegated. Resolves once durable; an
   * empty list: it was already completed.
   *
   * @throws {TesseraError} ERR_SPIFFE_ID_INVALID for a bad task id, ERR_PEER_UNAUTHORIZED when the client is not an orchestrator, ERR_REVOKED, ERR_UNAVAILABLE.
   */
  async completeTask(taskId: string): Promise<RevocationEntry[]> {
    const res = await this.#failover(() => {
      const client = this.#mtlsClients().revocation;
      return unary<CompleteTaskResponse__Output>(client, (m, o, cb) => client.CompleteTask({ taskId }, m, o, cb));
    });
    return res.entries.map(revocationEntryFromWire);
  }

  /** Closes the connections. */
  close(): void {
    closeClients(this.#public);
    closeClients(this.#mtls?.clients);
    this.#public = undefined;
    this.#mtls = undefined;
  }

  /**
   * Runs `call` on the replica in use; when that one is unavailable, on the
   * next, each at most once. Other failures are the CA's answer: no retry.
   */
  async #failover<T>(call: () => Promise<T>): Promise<T> {
    for (let tried = 1; ; tried++) {
      const at = this.#at;
      try {
        return await call();
      } catch (err) {
        if (!(err instanceof TesseraError) || err.code !== 'ERR_UNAVAILABLE' || tried >= this.#replicas.length) throw err;
        this.#moveOn(at);
      }
    }
  }

  /** The follower reopens a stream after a break: let it reopen on the next replica when this one is unavailable. */
  #movingOnWhenUnavailable<T extends grpc.ClientReadableStream<unknown>>(stream: T): T {
    const at = this.#at;
    stream.on('error', (err: grpc.ServiceError) => {
      if (err.code === grpc.status.UNAVAILABLE) this.#moveOn(at);
    });
    return stream;
  }

  /** Leaves replica `from` for the next (once, however many calls saw it fail). */
  #moveOn(from: number): void {
    if (this.#at !== from || this.#replicas.length === 1) return;
    this.#at = (from + 1) % this.#replicas.length;
    closeClients(this.#public);
    closeClients(this.#mtls?.clients);
    this.#public = undefined;
    this.#mtls = undefined;
  }

  #issued(svid: X509SVID__Output | null, bundle: TrustBundle__Output | null): IssuedCertificates {
    if (!svid || svid.certChain.length === 0) throw new TesseraError('ERR_INTERNAL', 'the CA returned no SVID');
    const adopted = this.#adoptBundle(bundle);
    return {
      id: SpiffeId.parse(svid.spiffeId), certificates: svid.certChain, expiresAtMs: svid.expiresAtMs, bundle: adopted,
      ...(this.#jwtBundle && { jwtBundle: this.#jwtBundle }),
    };
  }

  #adoptBundle(message: TrustBundle__Output | null): X509Bundle {
    if (!message || message.trustDomain !== this.#bundle.trustDomain || message.x509Authorities.length === 0) {
      throw new TesseraError('ERR_BUNDLE_INVALID', 'the CA returned no bundle for its trust domain');
    }
    const federated = federatedBundlesFromWire(message);
    // The other trust domains' bundles have their own sequence numbers: take them whenever they differ.
    if (!sameFederatedBundles(federated, this.#federated)) this.#federated = federated;
    // Every renewal carries the bundle; one not newer than what is held changes nothing, and
    // reading its JWT keys (a key import each) was a fifth of an agent's CPU per rotation.
    if (message.sequenceNumber <= this.#bundle.sequenceNumber && (this.#jwtBundle || message.jwtAuthorities.length === 0)) return this.#bundle;
    const { x509, jwt } = bundlesFromWire(message);
    if (message.sequenceNumber > this.#bundle.sequenceNumber) this.#bundle = x509;
    if (jwt && (!this.#jwtBundle || message.sequenceNumber > this.#jwtBundle.sequenceNumber)) this.#jwtBundle = jwt;
    return this.#bundle;
  }

  #publicClients() {
    this.#public ??= makeClients(this.#replicas[this.#at]!.address, grpc.credentials.createSsl(
      Buffer.from(this.#bundle.toPem()), null, null, { checkServerIdentity: checkCaIdentity(this.#bundle.trustDomain) },
    ), this.#bundle.trustDomain);
    return this.#public;
  }

  #mtlsClients() {
    if (!this.#svid) throw new TesseraError('ERR_PEER_UNAUTHENTICATED', 'this call needs an SVID: create the client with one');
    const svid = this.#svid.getX509Svid();
    if (this.#mtls?.svid !== svid || this.#mtls.bundle !== this.#bundle) {
      closeClients(this.#mtls?.clients);
      // The context the agent's own node:tls clients use for this SVID and these roots:
      // OpenSSL parses the key and certificates once per rotation, not once per use.
      const bundle = this.#bundle;
      const roots = { getX509BundleForTrustDomain: (td: string) => (td === bundle.trustDomain ? bundle : undefined) };
      const credentials = grpc.credentials.createFromSecureContext(
        clientContext(this.#svid, roots, [bundle.trustDomain]), { checkServerIdentity: checkCaIdentity(bundle.trustDomain) },
      );
      this.#mtls = { svid, bundle: this.#bundle, clients: makeClients(this.#replicas[this.#at]!.mtlsAddress, credentials, this.#bundle.trustDomain) };
    }
    return this.#mtls.clients;
  }
}

function makeClients(address: string, credentials: grpc.ChannelCredentials, trustDomain: string) {
  const v1 = tesseraProto().tessera.v1;
  // One channel shared by the three stubs. SNI must be a host name, not the IP
  // we may dial; the server's identity is checked by SPIFFE ID, not by name.
  // Calls wait for the channel (whenReady); a reconnect backoff of at most 1 s
  // lets a CA that is back be seen within that wait.
  const svid = new v1.SVIDService(address, credentials, {
    'grpc.ssl_target_name_override': trustDomain,
    'grpc.initial_reconnect_backoff_ms': 250,
    'grpc.max_reconnect_backoff_ms': 1000,
  });
  const channelOverride = svid.getChannel();
  return {
    svid,
    attestation: new v1.NodeAttestationService(address, credentials, { channelOverride }),
    bundle: new v1.TrustBundleService(address, credentials, { channelOverride }),
    revocation: new v1.RevocationService(address, credentials, { channelOverride }),
  };
}

function closeClients(clients: ReturnType<typeof makeClients> | undefined): void {
  clients?.svid.close();
}


/**
 * The server identity check for connections to the CA, after OpenSSL verified
 * the chain against the bundle: the certificate must name `spiffe://<td>/tessera/ca`.
 * A custom checkServerIdentity replaces the hostname check: it must return an Error to reject.
 */
export function checkCaIdentity(trustDomain: string): (host: string, cert: PeerCertificate) => Error | undefined {
  const want = caId(trustDomain);
  return (_host, cert) => {
    try {
      return spiffeIdFromCertificate(cert.raw).equals(want) ? undefined : new Error(`server is not ${want}`);
    } catch (err) {
      return err as Error;
    }
  };
}

type Callback<Res> = (err: grpc.ServiceError | null, res?: Res) => void;

/**
 * Resolves once `client`'s channel is connected, or after READY_WAIT_MS: a call
 * on a channel between reconnect attempts would otherwise fail at once.
 */
function whenReady(client: grpc.Client): Promise<void> {
  return new Promise((resolve) => client.waitForReady(Date.now() + READY_WAIT_MS, () => resolve()));
}

/** One unary call with the default deadline, after waiting for the channel unless told not to; failures as TesseraErrors. */
async function unary<Res>(
  client: grpc.Client, invoke: (metadata: grpc.Metadata, options: grpc.CallOptions, callback: Callback<Res>) => unknown, waitForChannel = true,
): Promise<Res> {
  const deadline = Date.now() + DEFAULT_DEADLINE_MS;
  if (waitForChannel) await whenReady(client);
  return new Promise((resolve, reject) => {
    invoke(new grpc.Metadata(), { deadline }, (err, res) => {
      if (err || !res) reject(err ? errorFromServiceError(err) : new TesseraError('ERR_INTERNAL', 'empty response'));
      else resolve(res);
    });
  });
}
