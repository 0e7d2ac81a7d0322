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
  /**
   * The client understands x509_authority and jwt_authority entries. A client
   * that leaves it false (one built before those kinds existed) is sent no
   * such entry: it would refuse the stream and go stale. It learns of revoked
   * authorities from the bundle stream (revoked_x509_authorities) instead.
   */
  'authorityEntries'?: (boolean);
}

/**
 * WatchRevocationsRequest says where to resume.
 */
export interface WatchRevocationsRequest__Output {
  /**
   * Send entries with a sequence number above this one; 0 for all.
   */
  'afterSequence': (number);
  /**
   * The client understands x509_authority and jwt_authority entries. A client
   * that leaves it false (one built before those kinds existed) is sent no
   * such entry: it would refuse the stream and go stale. It learns of revoked
   * authorities from the bundle stream (revoked_x509_authorities) instead.
   */
  'authorityEntries': (boolean);
}
