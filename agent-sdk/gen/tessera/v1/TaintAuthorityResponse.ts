// Original file: proto/tessera/v1/authority.proto

import type { Authority as _tessera_v1_Authority, Authority__Output as _tessera_v1_Authority__Output } from '../../tessera/v1/Authority.js';

/**
 * TaintAuthorityResponse carries what changed.
 */
export interface TaintAuthorityResponse {
  /**
   * The tainted authority.
   */
  'authority'?: (_tessera_v1_Authority | null);
}

/**
 * TaintAuthorityResponse carries what changed.
 */
export interface TaintAuthorityResponse__Output {
  /**
   * The tainted authority.
   */
  'authority': (_tessera_v1_Authority__Output | null);
}
