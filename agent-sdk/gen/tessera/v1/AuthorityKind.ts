// Original file: proto/tessera/v1/authority.proto

/**
 * AuthorityKind is what an authority signs.
 */
export const AuthorityKind = {
  /**
   * Never sent.
   */
  AUTHORITY_KIND_UNSPECIFIED: 'AUTHORITY_KIND_UNSPECIFIED',
  /**
   * An X.509 intermediate CA under the root: signs X509-SVIDs.
   */
  AUTHORITY_KIND_X509: 'AUTHORITY_KIND_X509',
  /**
   * A JWT signing key: signs JWT-SVIDs (task tokens).
   */
  AUTHORITY_KIND_JWT: 'AUTHORITY_KIND_JWT',
  /**
   * A root of the trust bundle: signs the intermediates. Rotated by hand only;
   * tainting one is refused while the active or prepared intermediate is one
   * it signed, revoking one while any intermediate it signed is still trusted.
   */
  AUTHORITY_KIND_ROOT: 'AUTHORITY_KIND_ROOT',
} as const;

/**
 * AuthorityKind is what an authority signs.
 */
export type AuthorityKind =
  /**
   * Never sent.
   */
  | 'AUTHORITY_KIND_UNSPECIFIED'
  | 0
  /**
   * An X.509 intermediate CA under the root: signs X509-SVIDs.
   */
  | 'AUTHORITY_KIND_X509'
  | 1
  /**
   * A JWT signing key: signs JWT-SVIDs (task tokens).
   */
  | 'AUTHORITY_KIND_JWT'
  | 2
  /**
   * A root of the trust bundle: signs the intermediates. Rotated by hand only;
   * tainting one is refused while the active or prepared intermediate is one
   * it signed, revoking one while any intermediate it signed is still trusted.
   */
  | 'AUTHORITY_KIND_ROOT'
  | 3

/**
 * AuthorityKind is what an authority signs.
 */
export type AuthorityKind__Output = typeof AuthorityKind[keyof typeof AuthorityKind]
