// Original file: proto/tessera/v1/authority.proto

import type { AuthorityKind as _tessera_v1_AuthorityKind, AuthorityKind__Output as _tessera_v1_AuthorityKind__Output } from '../../tessera/v1/AuthorityKind.js';

/**
 * RevokeAuthorityRequest names the authority.
 */
export interface RevokeAuthorityRequest {
  /**
   * Which kind.
   */
  'kind'?: (_tessera_v1_AuthorityKind);
  /**
   * The tainted authority's id; empty for the only tainted one.
   */
  'authorityId'?: (string);
}

/**
 * RevokeAuthorityRequest names the authority.
 */
export interface RevokeAuthorityRequest__Output {
  /**
   * Which kind.
   */
  'kind': (_tessera_v1_AuthorityKind__Output);
  /**
   * The tainted authority's id; empty for the only tainted one.
   */
  'authorityId': (string);
}
