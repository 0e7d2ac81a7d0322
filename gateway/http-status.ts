/**
 * The one place the gateway turns an error code into an HTTP status. A Record,
 * so a new code cannot be left unmapped. Authentication failures of the task
 * token are 401; every refusal of an authenticated agent is 403.
 */
import type { ErrorCode } from '../agent-sdk/errors.js';

export const HTTP_STATUS_OF: Record<ErrorCode, number> = {
  ERR_INVALID_ARGUMENT: 400,
  ERR_SPIFFE_ID_INVALID: 400,
  ERR_CSR_INVALID: 400,
  ERR_SVID_INVALID: 401,
  ERR_SVID_EXPIRED: 401,
  ERR_BUNDLE_INVALID: 500,
  ERR_TICKET_INVALID: 401,
  ERR_TICKET_USED: 401,
  ERR_TICKET_EXPIRED: 401,
  ERR_JOIN_TOKEN_INVALID: 401,
  ERR_JOIN_TOKEN_USED: 401,
  ERR_JOIN_TOKEN_EXPIRED: 401,
  ERR_ATTESTOR_UNKNOWN: 400,
  ERR_ATTESTATION_FAILED: 401,
  ERR_PEER_UNAUTHENTICATED: 401,
  ERR_PEER_UNAUTHORIZED: 403,
  ERR_PERMISSION_DENIED: 403,
  ERR_RENEWAL_LIMIT: 403,
  ERR_REVOKED: 403,
  ERR_NOT_FOUND: 404,
  // Waiting for the upstream took too long.
  ERR_TIMEOUT: 504,
  // The upstream could not be reached or broke off.
  ERR_UNAVAILABLE: 502,
  ERR_CONFIG_INVALID: 500,
  ERR_AUDIT_CHAIN_BROKEN: 500,
  ERR_SCOPE_INVALID: 400,
  ERR_SCOPE_NOT_GRANTED: 403,
  ERR_POLICY_DENIED: 403,
  ERR_POLICY_INVALID: 500,
  ERR_TOKEN_INVALID: 401,
  ERR_TOKEN_EXPIRED: 401,
  ERR_TOKEN_BINDING: 401,
  ERR_LINEAGE_INVALID: 403,
  ERR_DELEGATION_DENIED: 403,
  // The gateway is cut off from the CA's revocations for too long: it fails closed.
  ERR_REVOCATION_STALE: 503,
  ERR_RATE_LIMITED: 429,
  // The request body is above limits.maxBodyBytes.
  ERR_LIMIT_EXCEEDED: 413,
  ERR_INTERNAL: 500,
  ERR_REQUEST_UNDECODABLE: 400,
  ERR_VALUE_OUT_OF_RANGE: 400,
  ERR_BANNED: 403,
  ERR_AUTHORITY_STATE: 409,
  ERR_NO_ROUTE: 403,
  // A service's JWT-SVID (tessera jwt mint) is no task token: authenticate with one.
  ERR_NOT_TASK_TOKEN: 401,
  // A CA replica whose root or key-encryption key is not its database's: refused at start, never reached by a request.
  ERR_KEYS_MISMATCH: 500,
  ERR_SVID_PROOF_INVALID: 401,
  ERR_SVID_PROOF_UNUSABLE: 412,
  ERR_AUTHORITY_INVALID: 400,
};
