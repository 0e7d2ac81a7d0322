// Original file: proto/tessera/v1/revocation.proto

import type { RevocationEntry as _tessera_v1_RevocationEntry, RevocationEntry__Output as _tessera_v1_RevocationEntry__Output } from '../../tessera/v1/RevocationEntry.js';
import type { Long } from '@grpc/proto-loader';

/**
 * WatchRevocationsWithProofResponse is one message of the stream: the fields,
 * numbers and meaning of WatchRevocationsResponse, so that the CA encodes each
 * batch once for every follower, whichever way it authenticated.
 */
export interface WatchRevocationsWithProofResponse {
  /**
   * New entries, in sequence order; empty in a heartbeat.
   */
  'entries'?: (_tessera_v1_RevocationEntry)[];
  /**
   * The CA's newest sequence number when it sent this message.
   */
  'headSequence'?: (number | string | Long);
  /**
   * True when the client now holds every live entry up to head_sequence.
   */
  'caughtUp'?: (boolean);
  /**
   * True in the first message when after_sequence is ahead of the CA.
   */
  'reset'?: (boolean);
  /**
   * How often the CA sends a message when nothing happens, in milliseconds.
   */
  'heartbeatIntervalMs'?: (number);
}

/**
 * WatchRevocationsWithProofResponse is one message of the stream: the fields,
 * numbers and meaning of WatchRevocationsResponse, so that the CA encodes each
 * batch once for every follower, whichever way it authenticated.
 */
export interface WatchRevocationsWithProofResponse__Output {
  /**
   * New entries, in sequence order; empty in a heartbeat.
   */
  'entries': (_tessera_v1_RevocationEntry__Output)[];
  /**
   * The CA's newest sequence number when it sent this message.
   */
  'headSequence': (number);
  /**
   * True when the client now holds every live entry up to head_sequence.
   */
  'caughtUp': (boolean);
  /**
   * True in the first message when after_sequence is ahead of the CA.
   */
  'reset': (boolean);
  /**
   * How often the CA sends a message when nothing happens, in milliseconds.
   */
  'heartbeatIntervalMs': (number);
}
