// Original file: proto/tessera/v1/admin.proto

import type { RevocationEntry as _tessera_v1_RevocationEntry, RevocationEntry__Output as _tessera_v1_RevocationEntry__Output } from '../../tessera/v1/RevocationEntry.js';

/**
 * RevokeResponse carries what was committed.
 */
export interface RevokeResponse {
  /**
   * The entries committed, each with its sequence number; empty when the
   * target was already revoked.
   */
  'entries'?: (_tessera_v1_RevocationEntry)[];
}

/**
 * RevokeResponse carries what was committed.
 */
export interface RevokeResponse__Output {
  /**
   * The entries committed, each with its sequence number; empty when the
   * target was already revoked.
   */
  'entries': (_tessera_v1_RevocationEntry__Output)[];
}
