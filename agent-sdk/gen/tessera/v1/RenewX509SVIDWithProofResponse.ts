// Original file: proto/tessera/v1/svid.proto

import type { X509SVID as _tessera_v1_X509SVID, X509SVID__Output as _tessera_v1_X509SVID__Output } from '../../tessera/v1/X509SVID.js';
import type { TrustBundle as _tessera_v1_TrustBundle, TrustBundle__Output as _tessera_v1_TrustBundle__Output } from '../../tessera/v1/TrustBundle.js';

/**
 * RenewX509SVIDWithProofResponse carries the renewed SVID.
 */
export interface RenewX509SVIDWithProofResponse {
  /**
   * The new X509-SVID, same SPIFFE ID.
   */
  'svid'?: (_tessera_v1_X509SVID | null);
  /**
   * The current trust bundle.
   */
  'bundle'?: (_tessera_v1_TrustBundle | null);
}

/**
 * RenewX509SVIDWithProofResponse carries the renewed SVID.
 */
export interface RenewX509SVIDWithProofResponse__Output {
  /**
   * The new X509-SVID, same SPIFFE ID.
   */
  'svid': (_tessera_v1_X509SVID__Output | null);
  /**
   * The current trust bundle.
   */
  'bundle': (_tessera_v1_TrustBundle__Output | null);
}
