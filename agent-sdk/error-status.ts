import { Metadata, type ServiceError, type StatusObject, status } from '@grpc/grpc-js';
import { ERROR_CODES, type ErrorCode, TesseraError } from './errors.js';

/** The gRPC status for each error code; a Record, so a new code cannot be left unmapped. */
export const STATUS_OF: Record<ErrorCode, status> = {
  ERR_INVALID_ARGUMENT: status.INVALID_ARGUMENT,
  ERR_SPIFFE_ID_INVALID: status.INVALID_ARGUMENT,
  ERR_CSR_INVALID: status.INVALID_ARGUMENT,
  ERR_SVID_INVALID: status.UNAUTHENTICATED,
  ERR_SVID_EXPIRED: status.UNAUTHENTICATED,
  ERR_BUNDLE_INVALID: status.FAILED_PRECONDITION,
  ERR_TICKET_INVALID: status.UNAUTHENTICATED,
  ERR_TICKET_USED: status.UNAUTHENTICATED,
  ERR_TICKET_EXPIRED: status.UNAUTHENTICATED,
  ERR_JOIN_TOKEN_INVALID: status.UNAUTHENTICATED,
  ERR_JOIN_TOKEN_USED: status.UNAUTHENTICATED,
  ERR_JOIN_TOKEN_EXPIRED: status.UNAUTHENTICATED,
  ERR_ATTESTOR_UNKNOWN: status.INVALID_ARGUMENT,
  ERR_ATTESTATION_FAILED: status.UNAUTHENTICATED,
  ERR_PEER_UNAUTHENTICATED: status.UNAUTHENTICATED,
  ERR_PEER_UNAUTHORIZED: status.PERMISSION_DENIED,
  ERR_PERMISSION_DENIED: status.PERMISSION_DENIED,
  ERR_RENEWAL_LIMIT: status.PERMISSION_DENIED,
  ERR_REVOKED: status.PERMISSION_DENIED,
  ERR_NOT_FOUND: status.NOT_FOUND,
  ERR_TIMEOUT: status.DEADLINE_EXCEEDED,
  ERR_UNAVAILABLE: status.UNAVAILABLE,
  ERR_CONFIG_INVALID: status.FAILED_PRECONDITION,
  ERR_AUDIT_CHAIN_BROKEN: status.DATA_LOSS,
  ERR_SCOPE_INVALID: status.INVALID_ARGUMENT,
  ERR_SCOPE_NOT_GRANTED: status.PERMISSION_DENIED,
  ERR_POLICY_DENIED: status.PERMISSION_DENIED,
  ERR_POLICY_INVALID: status.FAILED_PRECONDITION,
  ERR_TOKEN_INVALID: status.UNAUTHENTICATED,
  ERR_TOKEN_EXPIRED: status.UNAUTHENTICATED,
  ERR_TOKEN_BINDING: status.UNAUTHENTICATED,
  ERR_LINEAGE_INVALID: status.UNAUTHENTICATED,
  ERR_DELEGATION_DENIED: status.PERMISSION_DENIED,
  // A validator cut off from the revocation stream for too long refuses peers (fail closed).
  ERR_REVOCATION_STALE: status.UNAVAILABLE,
  // Too many calls from one caller or address in a short time (the CA's rate limits): retry later.
  ERR_RATE_LIMITED: status.RESOURCE_EXHAUSTED,
  // A configured size or count limit (message, CSR, attestation payload, revocation followers).
  ERR_LIMIT_EXCEEDED: status.RESOURCE_EXHAUSTED,
  ERR_INTERNAL: status.INTERNAL,
  // The request's bytes are not a valid message of its type (a wire value that does not fit its field).
  ERR_REQUEST_UNDECODABLE: status.INVALID_ARGUMENT,
  // A number outside the range its field can carry, refused before it is encoded.
  ERR_VALUE_OUT_OF_RANGE: status.INVALID_ARGUMENT,
  // An orchestrator the operator banned: it may not attest until the ban is lifted.
  ERR_BANNED: status.PERMISSION_DENIED,
  // An authority lifecycle step that its current state does not allow (revoke the active one, ...).
  ERR_AUTHORITY_STATE: status.FAILED_PRECONDITION,
  // The gateway has no route for a request (default deny).
  ERR_NO_ROUTE: status.PERMISSION_DENIED,
  // A service's JWT-SVID (tessera jwt mint) where a task token is demanded.
  ERR_NOT_TASK_TOKEN: status.UNAUTHENTICATED,
  // A CA replica whose root or key-encryption key is not the one its shared database was made with (refused at start).
  ERR_KEYS_MISMATCH: status.FAILED_PRECONDITION,
  // An SVID proof (agent-sdk/svid-proof.ts) whose signature or certificate does not hold: the caller proved nothing.
  ERR_SVID_PROOF_INVALID: status.UNAUTHENTICATED,
  // An SVID proof the CA cannot judge (its time is too far from the CA's clock, or the SVID
  // predates the digests proofs are checked against): the caller uses mutual TLS instead.
  ERR_SVID_PROOF_UNUSABLE: status.FAILED_PRECONDITION,
  // A certificate or key an operator brought for an authority is unfit (not a CA, another key, a chain
  // that does not reach the root, a path length that forbids issuing, expired, a wrong key type).
  ERR_AUTHORITY_INVALID: status.INVALID_ARGUMENT,
};

/** The trailer that carries the error code next to the gRPC status. */
export const ERROR_CODE_TRAILER = 'tessera-error-code';

/** The trailer metadata for an error code. */
export function errorTrailer(code: ErrorCode): Metadata {
  const metadata = new Metadata();
  metadata.set(ERROR_CODE_TRAILER, code);
  return metadata;
}

const FALLBACK_CODE: Partial<Record<status, ErrorCode>> = {
  [status.UNAVAILABLE]: 'ERR_UNAVAILABLE',
  [status.DEADLINE_EXCEEDED]: 'ERR_TIMEOUT',
  [status.UNAUTHENTICATED]: 'ERR_PEER_UNAUTHENTICATED',
  [status.PERMISSION_DENIED]: 'ERR_PERMISSION_DENIED',
  [status.INVALID_ARGUMENT]: 'ERR_INVALID_ARGUMENT',
  [status.NOT_FOUND]: 'ERR_NOT_FOUND',
  // grpc-js refuses a message above the CA's maximum size itself, with no trailer.
  [status.RESOURCE_EXHAUSTED]: 'ERR_LIMIT_EXCEEDED',
};

/**
 * Turns a failed call back into the typed error the server threw, read from the
 * code trailer; a status with no trailer (the CA unreachable, a deadline, a TLS
 * failure) gets the closest code, ERR_UNAVAILABLE when nothing fits better.
 *
 * @example
 * client.spawn(req, (err, res) => { if (err) throw errorFromServiceError(err) })
 */
export function errorFromServiceError(err: ServiceError): TesseraError {
  const sent = err.metadata?.get(ERROR_CODE_TRAILER)[0];
  const code = typeof sent === 'string' && (ERROR_CODES as readonly string[]).includes(sent)
    ? (sent as ErrorCode)
    : (FALLBACK_CODE[err.code] ?? (err.code === status.INTERNAL ? 'ERR_INTERNAL' : 'ERR_UNAVAILABLE'));
  return new TesseraError(code, err.details || err.message, { cause: err });
}

/** Where a server reports failures it must not send: pino's shape. */
export interface StatusLog {
  error(obj: object, msg?: string): void;
}

/**
 * The one place a server (the CA, the workload agent) turns a thrown value into
 * a gRPC status. A TesseraError keeps its code (in a trailer, for the SDK to
 * rebuild the typed error) and its client-safe message; anything else is
 * logged with its cause and sent as a bare INTERNAL.
 *
 * @example callback(toStatus(err, log, 'Spawn'))
 */
export function toStatus(err: unknown, log: StatusLog, method: string): StatusObject & { metadata: Metadata } {
  if (err instanceof TesseraError) {
    if (err.code === 'ERR_INTERNAL') log.error({ method, code: err.code, err: err.cause ?? err }, 'internal failure');
    return { code: STATUS_OF[err.code], details: err.message, metadata: errorTrailer(err.code) };
  }
  log.error({ method, err }, 'unexpected failure');
  return { code: status.INTERNAL, details: 'internal error', metadata: errorTrailer('ERR_INTERNAL') };
}
