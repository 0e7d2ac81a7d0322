// Original file: proto/tessera/v1/authority.proto

import type { Authority as _tessera_v1_Authority, Authority__Output as _tessera_v1_Authority__Output } from '../../tessera/v1/Authority.js';

/**
 * RevokeAuthorityResponse carries what changed.
 */
export interface RevokeAuthorityResponse {
  /**
   * The revoked authority.
   */
  'authority'?: (_tessera_v1_Authority | null);
}

/**
 * RevokeAuthorityResponse carries what changed.
 */
export interface RevokeAuthorityResponse__Output {
  /**
   * The revoked authority.
   */
  'authority': (_tessera_v1_Authority__Output | null);
}
