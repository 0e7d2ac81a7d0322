// Original file: proto/tessera/v1/authority.proto

import type { AuthorityKind as _tessera_v1_AuthorityKind, AuthorityKind__Output as _tessera_v1_AuthorityKind__Output } from '../../tessera/v1/AuthorityKind.js';

/**
 * TaintAuthorityRequest names the authority.
 */
export interface TaintAuthorityRequest {
  /**
   * Which kind.
   */
  'kind'?: (_tessera_v1_AuthorityKind);
  /**
   * The old authority's id; empty for the only old one.
   */
  'authorityId'?: (string);
}

/**
 * TaintAuthorityRequest names the authority.
 */
export interface TaintAuthorityRequest__Output {
  /**
   * Which kind.
   */
  'kind': (_tessera_v1_AuthorityKind__Output);
  /**
   * The old authority's id; empty for the only old one.
   */
  'authorityId': (string);
}
