// Original file: proto/tessera/v1/authority.proto

import type { TrustBundle as _tessera_v1_TrustBundle, TrustBundle__Output as _tessera_v1_TrustBundle__Output } from '../../tessera/v1/TrustBundle.js';

/**
 * GetBundleResponse carries the bundle.
 */
export interface GetBundleResponse {
  /**
   * The current trust bundle.
   */
  'bundle'?: (_tessera_v1_TrustBundle | null);
}

/**
 * GetBundleResponse carries the bundle.
 */
export interface GetBundleResponse__Output {
  /**
   * The current trust bundle.
   */
  'bundle': (_tessera_v1_TrustBundle__Output | null);
}
