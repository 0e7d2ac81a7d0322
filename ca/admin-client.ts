import * as grpc from '@grpc/grpc-js';
import { ERROR_CODE_TRAILER, errorFromServiceError } from '../agent-sdk/error-status.js';
import { TesseraError } from '../agent-sdk/errors.js';
import type { AdminServiceClient } from '../agent-sdk/gen/tessera/v1/AdminService.js';
import type { CreateJoinTokenResponse__Output } from '../agent-sdk/gen/tessera/v1/CreateJoinTokenResponse.js';
import type { ListAuditRecordsResponse__Output } from '../agent-sdk/gen/tessera/v1/ListAuditRecordsResponse.js';
import type { VerifyAuditResponse__Output } from '../agent-sdk/gen/tessera/v1/VerifyAuditResponse.js';
import { tesseraProto } from '../agent-sdk/proto.js';
import type { AgentInfo__Output } from '../agent-sdk/gen/tessera/v1/AgentInfo.js';
import type { GetAgentResponse__Output } from '../agent-sdk/gen/tessera/v1/GetAgentResponse.js';
import type { ListAgentsRequest } from '../agent-sdk/gen/tessera/v1/ListAgentsRequest.js';
import type { ListAgentsResponse__Output } from '../agent-sdk/gen/tessera/v1/ListAgentsResponse.js';
import type { RevokeResponse__Output } from '../agent-sdk/gen/tessera/v1/RevokeResponse.js';
import type { RevocationEntry } from '../agent-sdk/revocation-list.js';
import { revocationEntryFromWire } from '../agent-sdk/revocation-wire.js';

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

  /** @throws {TesseraError} ERR_SPIFFE_ID_INVALID for a bad name, ERR_UNAVAILABLE when the CA is not running. */
  createJoinToken(params: { orchestrator: string; ttlMs?: number }): Promise<CreateJoinTokenResponse__Output> {
    return this.#call((cb) => this.#client.CreateJoinToken(
      { orchestrator: params.orchestrator, ttlSeconds: Math.ceil((params.ttlMs ?? 0) / 1000) }, deadline(), cb,
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
   * target or reason, ERR_NOT_FOUND for a serial or identity the CA never issued, ERR_UNAVAILABLE.
   * @example await admin.revoke({ agent: 'spiffe://tessera.local/agent/o/t/i', reason: 'key leaked' });
   */
  revoke(target: RevokeTargetRequest & { reason?: string }): Promise<RevocationEntry[]> {
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
    return error.code === 'ERR_UNAVAILABLE' && !fromCa ? new TesseraError('ERR_UNAVAILABLE', `no CA answers on the admin socket ${this.#socketPath}`) : error;
  }
}

const deadline = (): grpc.CallOptions => ({ deadline: Date.now() + 60_000 });
