// Original file: proto/tessera/v1/authority.proto

import type { AuthorityKind as _tessera_v1_AuthorityKind, AuthorityKind__Output as _tessera_v1_AuthorityKind__Output } from '../../tessera/v1/AuthorityKind.js';

/**
 * ListAuthoritiesRequest names the kind.
 */
export interface ListAuthoritiesRequest {
  /**
   * Which authorities.
   */
  'kind'?: (_tessera_v1_AuthorityKind);
}

/**
 * ListAuthoritiesRequest names the kind.
 */
export interface ListAuthoritiesRequest__Output {
  /**
   * Which authorities.
   */
  'kind': (_tessera_v1_AuthorityKind__Output);
}
