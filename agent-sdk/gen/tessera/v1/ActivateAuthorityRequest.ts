// Original file: proto/tessera/v1/authority.proto

import type { AuthorityKind as _tessera_v1_AuthorityKind, AuthorityKind__Output as _tessera_v1_AuthorityKind__Output } from '../../tessera/v1/AuthorityKind.js';

/**
 * ActivateAuthorityRequest names the authority.
 */
export interface ActivateAuthorityRequest {
  /**
   * Which kind.
   */
  'kind'?: (_tessera_v1_AuthorityKind);
  /**
   * The prepared authority's id; empty for the only prepared one.
   */
  'authorityId'?: (string);
}

/**
 * ActivateAuthorityRequest names the authority.
 */
export interface ActivateAuthorityRequest__Output {
  /**
   * Which kind.
   */
  'kind': (_tessera_v1_AuthorityKind__Output);
  /**
   * The prepared authority's id; empty for the only prepared one.
   */
  'authorityId': (string);
}
