// Original file: proto/tessera/v1/bundle.proto

import type { TrustBundle as _tessera_v1_TrustBundle, TrustBundle__Output as _tessera_v1_TrustBundle__Output } from '../../tessera/v1/TrustBundle.js';

/**
 * GetTrustBundleResponse carries the bundle.
 */
export interface GetTrustBundleResponse {
  /**
   * The current trust bundle.
   */
  'bundle'?: (_tessera_v1_TrustBundle | null);
}

/**
 * GetTrustBundleResponse carries the bundle.
 */
export interface GetTrustBundleResponse__Output {
  /**
   * The current trust bundle.
   */
  'bundle': (_tessera_v1_TrustBundle__Output | null);
}
