// Original file: proto/tessera/v1/revocation.proto

import type { Long } from '@grpc/proto-loader';

/**
 * WatchRevocationsRequest says where to resume.
 */
export interface WatchRevocationsRequest {
  /**
   * Send entries with a sequence number above this one; 0 for all.
   */
  'afterSequence'?: (number | string | Long);
}

/**
 * WatchRevocationsRequest says where to resume.
 */
export interface WatchRevocationsRequest__Output {
  /**
   * Send entries with a sequence number above this one; 0 for all.
   */
  'afterSequence': (number);
}
