// Original file: proto/tessera/v1/node_attestation.proto

import type { X509SVID as _tessera_v1_X509SVID, X509SVID__Output as _tessera_v1_X509SVID__Output } from '../../tessera/v1/X509SVID.js';
import type { TrustBundle as _tessera_v1_TrustBundle, TrustBundle__Output as _tessera_v1_TrustBundle__Output } from '../../tessera/v1/TrustBundle.js';

/**
 * AttestResult is the outcome of a successful attestation.
 */
export interface AttestResult {
  /**
   * The orchestrator's X509-SVID.
   */
  'svid'?: (_tessera_v1_X509SVID | null);
  /**
   * The trust bundle of the CA's trust domain.
   */
  'bundle'?: (_tessera_v1_TrustBundle | null);
}

/**
 * AttestResult is the outcome of a successful attestation.
 */
export interface AttestResult__Output {
  /**
   * The orchestrator's X509-SVID.
   */
  'svid': (_tessera_v1_X509SVID__Output | null);
  /**
   * The trust bundle of the CA's trust domain.
   */
  'bundle': (_tessera_v1_TrustBundle__Output | null);
}
