// Original file: proto/tessera/v1/authority.proto

import type { Authority as _tessera_v1_Authority, Authority__Output as _tessera_v1_Authority__Output } from '../../tessera/v1/Authority.js';

/**
 * ActivateAuthorityResponse carries what changed.
 */
export interface ActivateAuthorityResponse {
  /**
   * The activated authority and the one that became old.
   */
  'authorities'?: (_tessera_v1_Authority)[];
}

/**
 * ActivateAuthorityResponse carries what changed.
 */
export interface ActivateAuthorityResponse__Output {
  /**
   * The activated authority and the one that became old.
   */
  'authorities': (_tessera_v1_Authority__Output)[];
}
