// Original file: proto/tessera/v1/node_attestation.proto

import type { AttestationParams as _tessera_v1_AttestationParams, AttestationParams__Output as _tessera_v1_AttestationParams__Output } from '../../tessera/v1/AttestationParams.js';

/**
 * AttestRequest is one message from the orchestrator on the Attest stream.
 */
export interface AttestRequest {
  /**
   * The first message: which plugin, its payload and the CSR for the SVID.
   */
  'params'?: (_tessera_v1_AttestationParams | null);
  /**
   * The answer to the last challenge, in the plugin's own encoding.
   */
  'challengeResponse'?: (Buffer | Uint8Array | string);
  /**
   * Which step of the exchange this message carries.
   */
  'step'?: "params"|"challengeResponse";
}

/**
 * AttestRequest is one message from the orchestrator on the Attest stream.
 */
export interface AttestRequest__Output {
  /**
   * The first message: which plugin, its payload and the CSR for the SVID.
   */
  'params'?: (_tessera_v1_AttestationParams__Output | null);
  /**
   * The answer to the last challenge, in the plugin's own encoding.
   */
  'challengeResponse'?: (Buffer);
  /**
   * Which step of the exchange this message carries.
   */
  'step'?: "params"|"challengeResponse";
}
