// Original file: proto/tessera/v1/revocation.proto

import type { RevocationEntry as _tessera_v1_RevocationEntry, RevocationEntry__Output as _tessera_v1_RevocationEntry__Output } from '../../tessera/v1/RevocationEntry.js';
import type { Long } from '@grpc/proto-loader';

/**
 * WatchRevocationsResponse is one message of the stream.
 */
export interface WatchRevocationsResponse {
  /**
   * New entries, in sequence order; empty in a heartbeat.
   */
  'entries'?: (_tessera_v1_RevocationEntry)[];
  /**
   * The CA's newest sequence number when it sent this message.
   */
  'headSequence'?: (number | string | Long);
  /**
   * True when the client now holds every live entry up to head_sequence:
   * from the last message of the initial list on, and in every later one.
   */
  'caughtUp'?: (boolean);
  /**
   * True in the first message when after_sequence is ahead of the CA (its
   * state was replaced): the client drops what it holds before applying.
   */
  'reset'?: (boolean);
  /**
   * How often the CA sends a message when nothing happens, in milliseconds;
   * a client that hears nothing for several intervals reconnects.
   */
  'heartbeatIntervalMs'?: (number);
}

/**
 * WatchRevocationsResponse is one message of the stream.
 */
export interface WatchRevocationsResponse__Output {
  /**
   * New entries, in sequence order; empty in a heartbeat.
   */
  'entries': (_tessera_v1_RevocationEntry__Output)[];
  /**
   * The CA's newest sequence number when it sent this message.
   */
  'headSequence': (number);
  /**
   * True when the client now holds every live entry up to head_sequence:
   * from the last message of the initial list on, and in every later one.
   */
  'caughtUp': (boolean);
  /**
   * True in the first message when after_sequence is ahead of the CA (its
   * state was replaced): the client drops what it holds before applying.
   */
  'reset': (boolean);
  /**
   * How often the CA sends a message when nothing happens, in milliseconds;
   * a client that hears nothing for several intervals reconnects.
   */
  'heartbeatIntervalMs': (number);
}
