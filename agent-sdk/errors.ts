/**
 * Every failure Tessera reports carries a stable `code` from this union, locally
 * and across the wire: the SDK turns a CA's gRPC status back into the same typed
 * error, so callers branch on `err.code` wherever the failure happened.
 */
export type ErrorCode =
  | 'ERR_INVALID_ARGUMENT'
  | 'ERR_SPIFFE_ID_INVALID'
  | 'ERR_CSR_INVALID'
  | 'ERR_SVID_INVALID'
  | 'ERR_SVID_EXPIRED'
  | 'ERR_BUNDLE_INVALID'
  | 'ERR_TICKET_INVALID'
  | 'ERR_TICKET_USED'
  | 'ERR_TICKET_EXPIRED'
  | 'ERR_JOIN_TOKEN_INVALID'
  | 'ERR_JOIN_TOKEN_USED'
  | 'ERR_JOIN_TOKEN_EXPIRED'
  | 'ERR_ATTESTOR_UNKNOWN'
  | 'ERR_ATTESTATION_FAILED'
  | 'ERR_PEER_UNAUTHENTICATED'
  | 'ERR_PEER_UNAUTHORIZED'
  | 'ERR_PERMISSION_DENIED'
  | 'ERR_RENEWAL_LIMIT'
  | 'ERR_REVOKED'
  | 'ERR_NOT_FOUND'
  | 'ERR_TIMEOUT'
  | 'ERR_UNAVAILABLE'
  | 'ERR_CONFIG_INVALID'
  | 'ERR_AUDIT_CHAIN_BROKEN'
  | 'ERR_SCOPE_INVALID'
  | 'ERR_SCOPE_NOT_GRANTED'
  | 'ERR_POLICY_DENIED'
  | 'ERR_POLICY_INVALID'
  | 'ERR_TOKEN_INVALID'
  | 'ERR_TOKEN_EXPIRED'
  | 'ERR_TOKEN_BINDING'
  | 'ERR_LINEAGE_INVALID'
  | 'ERR_DELEGATION_DENIED'
  | 'ERR_REVOCATION_STALE'
  | 'ERR_RATE_LIMITED'
  | 'ERR_LIMIT_EXCEEDED'
  | 'ERR_INTERNAL'
  | 'ERR_REQUEST_UNDECODABLE'
  | 'ERR_VALUE_OUT_OF_RANGE'
  | 'ERR_BANNED'
  | 'ERR_AUTHORITY_STATE'
  | 'ERR_NO_ROUTE'
  | 'ERR_NOT_TASK_TOKEN'
  | 'ERR_KEYS_MISMATCH'
  | 'ERR_SVID_PROOF_INVALID'
  | 'ERR_SVID_PROOF_UNUSABLE'
  | 'ERR_AUTHORITY_INVALID';

/** Every code, for exhaustive tests and for decoding codes received from the wire. */
export const ERROR_CODES: readonly ErrorCode[] = [
  'ERR_INVALID_ARGUMENT',
  'ERR_SPIFFE_ID_INVALID',
  'ERR_CSR_INVALID',
  'ERR_SVID_INVALID',
  'ERR_SVID_EXPIRED',
  'ERR_BUNDLE_INVALID',
  'ERR_TICKET_INVALID',
  'ERR_TICKET_USED',
  'ERR_TICKET_EXPIRED',
  'ERR_JOIN_TOKEN_INVALID',
  'ERR_JOIN_TOKEN_USED',
  'ERR_JOIN_TOKEN_EXPIRED',
  'ERR_ATTESTOR_UNKNOWN',
  'ERR_ATTESTATION_FAILED',
  'ERR_PEER_UNAUTHENTICATED',
  'ERR_PEER_UNAUTHORIZED',
  'ERR_PERMISSION_DENIED',
  'ERR_RENEWAL_LIMIT',
  'ERR_REVOKED',
  'ERR_NOT_FOUND',
  'ERR_TIMEOUT',
  'ERR_UNAVAILABLE',
  'ERR_CONFIG_INVALID',
  'ERR_AUDIT_CHAIN_BROKEN',
  'ERR_SCOPE_INVALID',
  'ERR_SCOPE_NOT_GRANTED',
  'ERR_POLICY_DENIED',
  'ERR_POLICY_INVALID',
  'ERR_TOKEN_INVALID',
  'ERR_TOKEN_EXPIRED',
  'ERR_TOKEN_BINDING',
  'ERR_LINEAGE_INVALID',
  'ERR_DELEGATION_DENIED',
  'ERR_REVOCATION_STALE',
  'ERR_RATE_LIMITED',
  'ERR_LIMIT_EXCEEDED',
  'ERR_INTERNAL',
  'ERR_REQUEST_UNDECODABLE',
  'ERR_VALUE_OUT_OF_RANGE',
  'ERR_BANNED',
  'ERR_AUTHORITY_STATE',
  'ERR_NO_ROUTE',
  'ERR_NOT_TASK_TOKEN',
  'ERR_KEYS_MISMATCH',
  'ERR_SVID_PROOF_INVALID',
  'ERR_SVID_PROOF_UNUSABLE',
  'ERR_AUTHORITY_INVALID',
];

/**
 * The base of every error Tessera throws on purpose. `message` is safe to show to
 * the caller and never contains a secret; an internal `cause` may be attached for
 * logs and is never sent over the wire.
 *
 * @example
 * try { parseSpiffeId(input) } catch (err) {
 *   if (err instanceof TesseraError && err.code === 'ERR_SPIFFE_ID_INVALID') ...
 * }
 */
export class TesseraError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A SPIFFE ID (or one of its parts) is not in canonical form. */
export class SpiffeIdError extends TesseraError {
  constructor(message: string) {
    super('ERR_SPIFFE_ID_INVALID', message);
  }
}

/** A certificate chain is not a valid X509-SVID for the bundle it was checked against. */
export class SvidError extends TesseraError {
  constructor(code: 'ERR_SVID_INVALID' | 'ERR_SVID_EXPIRED' | 'ERR_BUNDLE_INVALID', message: string) {
    super(code, message);
  }
}

/** A peer presented a valid SVID that the authorizer does not allow, or no valid SVID. */
export class PeerError extends TesseraError {
  constructor(code: 'ERR_PEER_UNAUTHENTICATED' | 'ERR_PEER_UNAUTHORIZED' | 'ERR_REVOKED', message: string) {
    super(code, message);
  }
}

/** A scope is not in the canonical form of the scope grammar (agent-sdk/scope.ts). */
export class ScopeError extends TesseraError {
  constructor(message: string) {
    super('ERR_SCOPE_INVALID', message);
  }
}

/**
 * A JWT-SVID is refused: malformed or badly signed, expired, bound to another
 * certificate, short of a scope, revoked, or (where a task token is demanded) a
 * standard JWT-SVID that is not a task token (ERR_NOT_TASK_TOKEN).
 */
export class TokenError extends TesseraError {
  constructor(code: 'ERR_TOKEN_INVALID' | 'ERR_TOKEN_EXPIRED' | 'ERR_TOKEN_BINDING' | 'ERR_SCOPE_NOT_GRANTED' | 'ERR_REVOKED' | 'ERR_NOT_TASK_TOKEN', message: string) {
    super(code, message);
  }
}

/** A delegation lineage (the SVID extension naming who delegated to whom) does not verify. */
export class LineageError extends TesseraError {
  constructor(message: string) {
    super('ERR_LINEAGE_INVALID', message);
  }
}

/** Whether `value` is a TesseraError, optionally with the given code. */
export function isTesseraError(value: unknown, code?: ErrorCode): value is TesseraError {
  return value instanceof TesseraError && (code === undefined || value.code === code);
}
