// Original file: proto/tessera/v1/node_attestation.proto

import type { AttestResult as _tessera_v1_AttestResult, AttestResult__Output as _tessera_v1_AttestResult__Output } from '../../tessera/v1/AttestResult.js';

/**
 * AttestResponse is one message from the CA on the Attest stream.
 */
export interface AttestResponse {
  /**
   * A challenge from the plugin, in its own encoding.
   */
  'challenge'?: (Buffer | Uint8Array | string);
  /**
   * The outcome: the orchestrator's SVID. The stream ends after it.
   */
  'result'?: (_tessera_v1_AttestResult | null);
  /**
   * Which step of the exchange this message carries.
   */
  'step'?: "challenge"|"result";
}

/**
 * AttestResponse is one message from the CA on the Attest stream.
 */
export interface AttestResponse__Output {
  /**
   * A challenge from the plugin, in its own encoding.
   */
  'challenge'?: (Buffer);
  /**
   * The outcome: the orchestrator's SVID. The stream ends after it.
   */
  'result'?: (_tessera_v1_AttestResult__Output | null);
  /**
   * Which step of the exchange this message carries.
   */
  'step'?: "challenge"|"result";
}
