// Original file: proto/tessera/v1/revocation.proto

/**
 * RevocationKind is what a revocation entry names.
 */
export const RevocationKind = {
  /**
   * Never sent.
   */
  REVOCATION_KIND_UNSPECIFIED: 'REVOCATION_KIND_UNSPECIFIED',
  /**
   * One X.509 certificate, by serial number.
   */
  REVOCATION_KIND_SERIAL: 'REVOCATION_KIND_SERIAL',
  /**
   * One task token (JWT-SVID), by its jti claim.
   */
  REVOCATION_KIND_JTI: 'REVOCATION_KIND_JTI',
  /**
   * One identity (agent instance or orchestrator), by SPIFFE ID: every
   * certificate and token it holds.
   */
  REVOCATION_KIND_AGENT: 'REVOCATION_KIND_AGENT',
  /**
   * Every agent instance of one task of one orchestrator.
   */
  REVOCATION_KIND_TASK: 'REVOCATION_KIND_TASK',
  /**
   * One agent instance and everything it delegated to, however deep.
   */
  REVOCATION_KIND_CHAIN: 'REVOCATION_KIND_CHAIN',
  /**
   * One X.509 authority the operator revoked (an intermediate or a root), by
   * the SHA-256 of its public key (hex); public_key holds the key. A validator
   * refuses every certificate path through a certificate with that key, and
   * every leaf that key signed, though its bundle may still trust it.
   */
  REVOCATION_KIND_X509_AUTHORITY: 'REVOCATION_KIND_X509_AUTHORITY',
  /**
   * One JWT signing key the operator revoked, by its key id ("kid"): a
   * validator refuses every token with that kid.
   */
  REVOCATION_KIND_JWT_AUTHORITY: 'REVOCATION_KIND_JWT_AUTHORITY',
} as const;

/**
 * RevocationKind is what a revocation entry names.
 */
export type RevocationKind =
  /**
   * Never sent.
   */
  | 'REVOCATION_KIND_UNSPECIFIED'
  | 0
  /**
   * One X.509 certificate, by serial number.
   */
  | 'REVOCATION_KIND_SERIAL'
  | 1
  /**
   * One task token (JWT-SVID), by its jti claim.
   */
  | 'REVOCATION_KIND_JTI'
  | 2
  /**
   * One identity (agent instance or orchestrator), by SPIFFE ID: every
   * certificate and token it holds.
   */
  | 'REVOCATION_KIND_AGENT'
  | 3
  /**
   * Every agent instance of one task of one orchestrator.
   */
  | 'REVOCATION_KIND_TASK'
  | 4
  /**
   * One agent instance and everything it delegated to, however deep.
   */
  | 'REVOCATION_KIND_CHAIN'
  | 5
  /**
   * One X.509 authority the operator revoked (an intermediate or a root), by
   * the SHA-256 of its public key (hex); public_key holds the key. A validator
   * refuses every certificate path through a certificate with that key, and
   * every leaf that key signed, though its bundle may still trust it.
   */
  | 'REVOCATION_KIND_X509_AUTHORITY'
  | 6
  /**
   * One JWT signing key the operator revoked, by its key id ("kid"): a
   * validator refuses every token with that kid.
   */
  | 'REVOCATION_KIND_JWT_AUTHORITY'
  | 7

/**
 * RevocationKind is what a revocation entry names.
 */
export type RevocationKind__Output = typeof RevocationKind[keyof typeof RevocationKind]
