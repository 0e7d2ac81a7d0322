// Original file: proto/tessera/v1/authority.proto

import type { Authority as _tessera_v1_Authority, Authority__Output as _tessera_v1_Authority__Output } from '../../tessera/v1/Authority.js';

/**
 * PrepareAuthorityResponse carries the new authority.
 */
export interface PrepareAuthorityResponse {
  /**
   * The prepared authority.
   */
  'authority'?: (_tessera_v1_Authority | null);
}

/**
 * PrepareAuthorityResponse carries the new authority.
 */
export interface PrepareAuthorityResponse__Output {
  /**
   * The prepared authority.
   */
  'authority': (_tessera_v1_Authority__Output | null);
}
