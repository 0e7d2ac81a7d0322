// Original file: proto/tessera/v1/svid.proto

import type { Long } from '@grpc/proto-loader';

/**
 * SpawnResponse carries what the orchestrator hands to the child process.
 */
export interface SpawnResponse {
  /**
   * The SPIFFE ID the agent will hold.
   */
  'spiffeId'?: (string);
  /**
   * The one-time spawn ticket; a secret: pass it only to the child.
   */
  'ticket'?: (string);
  /**
   * When the ticket stops working, in milliseconds since the Unix epoch.
   */
  'ticketExpiresAtMs'?: (number | string | Long);
}

/**
 * SpawnResponse carries what the orchestrator hands to the child process.
 */
export interface SpawnResponse__Output {
  /**
   * The SPIFFE ID the agent will hold.
   */
  'spiffeId': (string);
  /**
   * The one-time spawn ticket; a secret: pass it only to the child.
   */
  'ticket': (string);
  /**
   * When the ticket stops working, in milliseconds since the Unix epoch.
   */
  'ticketExpiresAtMs': (number);
}
