// Original file: proto/tessera/v1/svid.proto

import type { X509SVID as _tessera_v1_X509SVID, X509SVID__Output as _tessera_v1_X509SVID__Output } from '../../tessera/v1/X509SVID.js';
import type { TrustBundle as _tessera_v1_TrustBundle, TrustBundle__Output as _tessera_v1_TrustBundle__Output } from '../../tessera/v1/TrustBundle.js';

/**
 * ActivateResponse carries the agent's first SVID.
 */
export interface ActivateResponse {
  /**
   * The agent's X509-SVID.
   */
  'svid'?: (_tessera_v1_X509SVID | null);
  /**
   * The trust bundle of the CA's trust domain.
   */
  'bundle'?: (_tessera_v1_TrustBundle | null);
}

/**
 * ActivateResponse carries the agent's first SVID.
 */
export interface ActivateResponse__Output {
  /**
   * The agent's X509-SVID.
   */
  'svid': (_tessera_v1_X509SVID__Output | null);
  /**
   * The trust bundle of the CA's trust domain.
   */
  'bundle': (_tessera_v1_TrustBundle__Output | null);
}
