import * as grpc from '@grpc/grpc-js';
import { errorFromServiceError } from '../agent-sdk/error-status.js';
import type { AdminServiceClient } from '../agent-sdk/gen/tessera/v1/AdminService.js';
import type { CreateJoinTokenResponse__Output } from '../agent-sdk/gen/tessera/v1/CreateJoinTokenResponse.js';
import type { ListAuditRecordsResponse__Output } from '../agent-sdk/gen/tessera/v1/ListAuditRecordsResponse.js';
import type { VerifyAuditResponse__Output } from '../agent-sdk/gen/tessera/v1/VerifyAuditResponse.js';
import { tesseraProto } from '../agent-sdk/proto.js';

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

  constructor(socketPath: string) {
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

  close(): void {
    this.#client.close();
  }

  #call<Res>(invoke: (cb: (err: grpc.ServiceError | null, res?: Res) => void) => unknown): Promise<Res> {
    return new Promise((resolve, reject) => {
      invoke((err, res) => (err || !res ? reject(err ? errorFromServiceError(err) : new Error('empty response')) : resolve(res)));
    });
  }
}

const deadline = (): grpc.CallOptions => ({ deadline: Date.now() + 60_000 });
