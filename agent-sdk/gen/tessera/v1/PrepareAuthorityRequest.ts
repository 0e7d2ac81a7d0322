// Original file: proto/tessera/v1/authority.proto

import type { AuthorityKind as _tessera_v1_AuthorityKind, AuthorityKind__Output as _tessera_v1_AuthorityKind__Output } from '../../tessera/v1/AuthorityKind.js';

/**
 * PrepareAuthorityRequest names the kind.
 */
export interface PrepareAuthorityRequest {
  /**
   * Which kind of authority to prepare.
   */
  'kind'?: (_tessera_v1_AuthorityKind);
}

/**
 * PrepareAuthorityRequest names the kind.
 */
export interface PrepareAuthorityRequest__Output {
  /**
   * Which kind of authority to prepare.
   */
  'kind': (_tessera_v1_AuthorityKind__Output);
}
