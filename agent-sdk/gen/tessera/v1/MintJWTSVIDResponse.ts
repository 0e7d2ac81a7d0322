// Original file: proto/tessera/v1/svid.proto

import type { JWTSVID as _tessera_v1_JWTSVID, JWTSVID__Output as _tessera_v1_JWTSVID__Output } from '../../tessera/v1/JWTSVID.js';

/**
 * MintJWTSVIDResponse carries the token.
 */
export interface MintJWTSVIDResponse {
  /**
   * The task token.
   */
  'svid'?: (_tessera_v1_JWTSVID | null);
}

/**
 * MintJWTSVIDResponse carries the token.
 */
export interface MintJWTSVIDResponse__Output {
  /**
   * The task token.
   */
  'svid': (_tessera_v1_JWTSVID__Output | null);
}
