// Original file: proto/tessera/v1/svid.proto

import type { Long } from '@grpc/proto-loader';

/**
 * DelegateResponse carries what the delegator hands to the sub-agent's process.
 */
export interface DelegateResponse {
  /**
   * The SPIFFE ID the sub-agent will hold.
   */
  'spiffeId'?: (string);
  /**
   * The one-time spawn ticket; a secret: pass it only to the sub-agent.
   */
  'ticket'?: (string);
  /**
   * When the ticket stops working, in milliseconds since the Unix epoch.
   */
  'ticketExpiresAtMs'?: (number | string | Long);
}

/**
 * DelegateResponse carries what the delegator hands to the sub-agent's process.
 */
export interface DelegateResponse__Output {
  /**
   * The SPIFFE ID the sub-agent will hold.
   */
  'spiffeId': (string);
  /**
   * The one-time spawn ticket; a secret: pass it only to the sub-agent.
   */
  'ticket': (string);
  /**
   * When the ticket stops working, in milliseconds since the Unix epoch.
   */
  'ticketExpiresAtMs': (number);
}
