// Original file: proto/tessera/v1/svid.proto

import type { Long } from '@grpc/proto-loader';

/**
 * PrepareDelegationResponse carries the record to sign.
 */
export interface PrepareDelegationResponse {
  /**
   * Names this pending delegation in the DelegateRequest; works once, briefly.
   */
  'delegationId'?: (string);
  /**
   * The DER delegation record (see docs/tokens-and-delegation.md) naming the
   * caller, its key and the sub-agent; the caller signs
   * "tessera-delegation-v1" || 0x00 || record with its SVID key.
   */
  'record'?: (Buffer | Uint8Array | string);
  /**
   * The SPIFFE ID the sub-agent will hold.
   */
  'spiffeId'?: (string);
  /**
   * When the pending delegation stops working, in milliseconds since the Unix epoch.
   */
  'expiresAtMs'?: (number | string | Long);
}

/**
 * PrepareDelegationResponse carries the record to sign.
 */
export interface PrepareDelegationResponse__Output {
  /**
   * Names this pending delegation in the DelegateRequest; works once, briefly.
   */
  'delegationId': (string);
  /**
   * The DER delegation record (see docs/tokens-and-delegation.md) naming the
   * caller, its key and the sub-agent; the caller signs
   * "tessera-delegation-v1" || 0x00 || record with its SVID key.
   */
  'record': (Buffer);
  /**
   * The SPIFFE ID the sub-agent will hold.
   */
  'spiffeId': (string);
  /**
   * When the pending delegation stops working, in milliseconds since the Unix epoch.
   */
  'expiresAtMs': (number);
}
