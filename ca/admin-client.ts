import * as grpc from '@grpc/grpc-js';
import { ERROR_CODE_TRAILER, errorFromServiceError } from '../agent-sdk/error-status.js';
import { TesseraError } from '../agent-sdk/errors.js';
import type { AdminServiceClient } from '../agent-sdk/gen/tessera/v1/AdminService.js';
import type { CreateJoinTokenResponse__Output } from '../agent-sdk/gen/tessera/v1/CreateJoinTokenResponse.js';
import type { ListAuditRecordsResponse__Output } from '../agent-sdk/gen/tessera/v1/ListAuditRecordsResponse.js';
import type { VerifyAuditResponse__Output } from '../agent-sdk/gen/tessera/v1/VerifyAuditResponse.js';
import { tesseraProto } from '../agent-sdk/proto.js';
import { int32Seconds } from '../agent-sdk/wire-seconds.js';
import type { AgentInfo__Output } from '../agent-sdk/gen/tessera/v1/AgentInfo.js';
import type { GetAgentResponse__Output } from '../agent-sdk/gen/tessera/v1/GetAgentResponse.js';
import type { ListAgentsRequest } from '../agent-sdk/gen/tessera/v1/ListAgentsRequest.js';
import type { ListAgentsResponse__Output } from '../agent-sdk/gen/tessera/v1/ListAgentsResponse.js';
import type { RevokeResponse__Output } from '../agent-sdk/gen/tessera/v1/RevokeResponse.js';
import type { BanOrchestratorResponse__Output } from '../agent-sdk/gen/tessera/v1/BanOrchestratorResponse.js';
import type { UnbanOrchestratorResponse__Output } from '../agent-sdk/gen/tessera/v1/UnbanOrchestratorResponse.js';
import type { MintX509SVIDResponse__Output } from '../agent-sdk/gen/tessera/v1/MintX509SVIDResponse.js';
import type { AdminServiceMintJWTSVIDResponse__Output } from '../agent-sdk/gen/tessera/v1/AdminServiceMintJWTSVIDResponse.js';
import type { RevocationEntry } from '../agent-sdk/revocation-list.js';
import { revocationEntryFromWire } from '../agent-sdk/revocation-wire.js';
import { CaUnreachableError } from './ca-unreachable.js';

/** Exactly one thing to revoke (see `tessera revoke`); `task` is "<orchestrator>/<task>". */
export type RevokeTargetRequest =
  | { serial: string } | { jti: string } | { agent: string } | { task: string } | { chain: string };

/**
 * The operator's client for the admin API on the CA's Unix socket. The socket's
 * file mode is the access control, so the connection itself is plain.
 *
 * @example
 * const admin = new AdminClient('/var/lib/tessera/admin.sock');
 * const { token } = await admin.createJoinToken({ orchestrator: 'orch-a' });
 */
export class AdminClient {
  readonly #client: AdminServiceClient;
  readonly #socketPath: string;

  constructor(socketPath: string) {
    this.#socketPath = socketPath;
    this.#client = new (tesseraProto().tessera.v1.AdminService)(`unix:${socketPath}`, grpc.credentials.createInsecure());
  }

  /** @throws {TesseraError} ERR_SPIFFE_ID_INVALID for a bad name, ERR_VALUE_OUT_OF_RANGE for a TTL beyond int32 seconds, ERR_UNAVAILABLE when the CA is not running. */
  createJoinToken(params: { orchestrator: string; ttlMs?: number }): Promise<CreateJoinTokenResponse__Output> {
    return this.#call((cb) => this.#client.CreateJoinToken(
      { orchestrator: params.orchestrator, ttlSeconds: int32Seconds(params.ttlMs ?? 0, 'ttlMs') }, deadline(), cb,
    ));
  }

  /** @throws {TesseraError} ERR_UNAVAILABLE when the CA is not running. */
  verifyAudit(): Promise<VerifyAuditResponse__Output> {
    return this.#call((cb) => this.#client.VerifyAudit({}, deadline(), cb));
  }

  /** One page of audit records after `afterSequence`. @throws {TesseraError} ERR_UNAVAILABLE */
  listAuditRecords(params: { afterSequence?: number; limit?: number } = {}): Promise<ListAuditRecordsResponse__Output> {
    return this.#call((cb) => this.#client.ListAuditRecords({ afterSequence: params.afterSequence ?? 0, limit: params.limit ?? 0 }, deadline(), cb));
  }

  /**
   * Revokes one target; resolves once the entries are durable and audited. An
   * empty list means it was already revoked.
   *
   * @throws {TesseraError} ERR_INVALID_ARGUMENT / ERR_SPIFFE_ID_INVALID for a malformed
   * target or reason, ERR_NOT_FOUND for a serial or identity the CA never issued or a task it
   * never spawned an agent for, ERR_UNAVAILABLE. `cascade` with an orchestrator `agent` also
   * revokes every task it has agents in.
   * @example await admin.revoke({ agent: 'spiffe://tessera.local/agent/o/t/i', reason: 'key leaked' });
   */
  revoke(target: RevokeTargetRequest & { reason?: string; cascade?: boolean }): Promise<RevocationEntry[]> {
    return this.#call<RevokeResponse__Output>((cb) => this.#client.Revoke(target, deadline(), cb)).then((res) => res.entries.map(revocationEntryFromWire));
  }

  /** One page of the agent inventory. @throws {TesseraError} ERR_SPIFFE_ID_INVALID for a bad filter, ERR_UNAVAILABLE. */
  listAgents(filter: ListAgentsRequest = {}): Promise<AgentInfo__Output[]> {
    return this.#call<ListAgentsResponse__Output>((cb) => this.#client.ListAgents(filter, deadline(), cb)).then((res) => res.agents);
  }

  /** One identity and its delegation subtree. @throws {TesseraError} ERR_NOT_FOUND, ERR_SPIFFE_ID_INVALID, ERR_UNAVAILABLE. */
  getAgent(spiffeId: string): Promise<GetAgentResponse__Output> {
    return this.#call((cb) => this.#client.GetAgent({ spiffeId }, deadline(), cb));
  }

  /**
   * Bans an orchestrator name from attesting until unbanOrchestrator, and revokes its current identity.
   * @throws {TesseraError} ERR_SPIFFE_ID_INVALID for a bad name, ERR_UNAVAILABLE.
   * @example await admin.banOrchestrator({ orchestrator: 'orch-a', reason: 'host compromised' });
   */
  banOrchestrator(params: { orchestrator: string; reason?: string }): Promise<{ banned: boolean; entries: RevocationEntry[] }> {
    return this.#call<BanOrchestratorResponse__Output>((cb) => this.#client.BanOrchestrator(params, deadline(), cb))
      .then((res) => ({ banned: res.banned, entries: res.entries.map(revocationEntryFromWire) }));
  }

  /** Lifts a ban; resolves false when there was none. @throws {TesseraError} ERR_SPIFFE_ID_INVALID, ERR_UNAVAILABLE. */
  unbanOrchestrator(orchestrator: string): Promise<boolean> {
    return this.#call<UnbanOrchestratorResponse__Output>((cb) => this.#client.UnbanOrchestrator({ orchestrator }, deadline(), cb)).then((res) => res.lifted);
  }

  /**
   * An X509-SVID for a service identity and a public key (DER SPKI): the private key stays with the caller.
   * @throws {TesseraError} ERR_PERMISSION_DENIED for an ID that is not spiffe://<td>/service/<name>,
   *   ERR_INVALID_ARGUMENT for a TTL out of range or a key that is not P-256, ERR_VALUE_OUT_OF_RANGE, ERR_UNAVAILABLE.
   * @example await admin.mintX509Svid({ spiffeId: 'spiffe://tessera.local/service/db', publicKey: spkiDer, ttlMs: 3_600_000 });
   */
  mintX509Svid(params: { spiffeId: string; publicKey: Uint8Array; ttlMs?: number }): Promise<MintX509SVIDResponse__Output> {
    return this.#call((cb) => this.#client.MintX509SVID(
      { spiffeId: params.spiffeId, publicKey: params.publicKey, ttlSeconds: int32Seconds(params.ttlMs ?? 0, 'ttlMs') }, deadline(), cb,
    ));
  }

  /**
   * A standard JWT-SVID for a service identity and one or more audiences; not a task token.
   * The token is a bearer secret: hand it on, never log it.
   * @throws {TesseraError} ERR_PERMISSION_DENIED for an ID that is not spiffe://<td>/service/<name>,
   *   ERR_INVALID_ARGUMENT for a bad audience or a TTL out of range, ERR_VALUE_OUT_OF_RANGE, ERR_UNAVAILABLE.
   * @example const { token } = await admin.mintJwtSvid({ spiffeId: 'spiffe://tessera.local/service/db', audience: ['spiffe://tessera.local/service/api'] });
   */
  mintJwtSvid(params: { spiffeId: string; audience: readonly string[]; ttlMs?: number }): Promise<{ token: string; expiresAtMs: number }> {
    return this.#call<AdminServiceMintJWTSVIDResponse__Output>((cb) => this.#client.MintJWTSVID(
      { spiffeId: params.spiffeId, audience: [...params.audience], ttlSeconds: int32Seconds(params.ttlMs ?? 0, 'ttlMs') }, deadline(), cb,
    )).then((res) => ({ token: res.token, expiresAtMs: Number(res.expiresAtMs) }));
  }

  close(): void {
    this.#client.close();
  }

  #call<Res>(invoke: (cb: (err: grpc.ServiceError | null, res?: Res) => void) => unknown): Promise<Res> {
    return new Promise((resolve, reject) => {
      invoke((err, res) => (err || !res ? reject(err ? this.#errorOf(err) : new Error('empty response')) : resolve(res)));
    });
  }

  /** No CA on the socket comes back as a bare UNAVAILABLE with grpc-js's resolver text: name the socket instead. */
  #errorOf(err: grpc.ServiceError): TesseraError {
    const error = errorFromServiceError(err);
    const fromCa = err.metadata?.get(ERROR_CODE_TRAILER).length > 0;
    return error.code === 'ERR_UNAVAILABLE' && !fromCa ? new CaUnreachableError(this.#socketPath) : error;
  }
}

const deadline = (): grpc.CallOptions => ({ deadline: Date.now() + 60_000 });
