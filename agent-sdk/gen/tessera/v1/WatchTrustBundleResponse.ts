// Original file: proto/tessera/v1/bundle.proto

import type { TrustBundle as _tessera_v1_TrustBundle, TrustBundle__Output as _tessera_v1_TrustBundle__Output } from '../../tessera/v1/TrustBundle.js';

/**
 * WatchTrustBundleResponse is one message of the stream.
 */
export interface WatchTrustBundleResponse {
  /**
   * The current trust bundle; absent in a heartbeat.
   */
  'bundle'?: (_tessera_v1_TrustBundle | null);
  /**
   * How often the CA sends a message when nothing happens, in milliseconds;
   * a client that hears nothing for several intervals reconnects.
   */
  'heartbeatIntervalMs'?: (number);
}

/**
 * WatchTrustBundleResponse is one message of the stream.
 */
export interface WatchTrustBundleResponse__Output {
  /**
   * The current trust bundle; absent in a heartbeat.
   */
  'bundle': (_tessera_v1_TrustBundle__Output | null);
  /**
   * How often the CA sends a message when nothing happens, in milliseconds;
   * a client that hears nothing for several intervals reconnects.
   */
  'heartbeatIntervalMs': (number);
}
