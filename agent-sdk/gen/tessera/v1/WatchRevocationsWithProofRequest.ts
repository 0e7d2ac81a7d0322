// Original file: proto/tessera/v1/revocation.proto

import type { SvidProof as _tessera_v1_SvidProof, SvidProof__Output as _tessera_v1_SvidProof__Output } from '../../tessera/v1/SvidProof.js';
import type { Long } from '@grpc/proto-loader';

/**
 * WatchRevocationsWithProofRequest says where to resume, and who asks.
 */
export interface WatchRevocationsWithProofRequest {
  /**
   * Send entries with a sequence number above this one; 0 for all.
   */
  'afterSequence'?: (number | string | Long);
  /**
   * The caller's newest SVID and a signature of its key over it and the time,
   * with the purpose "tessera-revocation-watch-v1" and an empty payload.
   */
  'proof'?: (_tessera_v1_SvidProof | null);
  /**
   * As WatchRevocationsRequest.authority_entries.
   */
  'authorityEntries'?: (boolean);
}

/**
 * WatchRevocationsWithProofRequest says where to resume, and who asks.
 */
export interface WatchRevocationsWithProofRequest__Output {
  /**
   * Send entries with a sequence number above this one; 0 for all.
   */
  'afterSequence': (number);
  /**
   * The caller's newest SVID and a signature of its key over it and the time,
   * with the purpose "tessera-revocation-watch-v1" and an empty payload.
   */
  'proof': (_tessera_v1_SvidProof__Output | null);
  /**
   * As WatchRevocationsRequest.authority_entries.
   */
  'authorityEntries': (boolean);
}
