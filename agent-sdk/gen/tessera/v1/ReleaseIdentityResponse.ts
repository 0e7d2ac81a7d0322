// Original file: proto/tessera/v1/revocation.proto

import type { RevocationEntry as _tessera_v1_RevocationEntry, RevocationEntry__Output as _tessera_v1_RevocationEntry__Output } from '../../tessera/v1/RevocationEntry.js';

/**
 * ReleaseIdentityResponse carries what was committed.
 */
export interface ReleaseIdentityResponse {
  /**
   * The entries committed (one, or two when a descendant appeared while the
   * first was being committed); empty when the identity was already revoked.
   */
  'entries'?: (_tessera_v1_RevocationEntry)[];
}

/**
 * ReleaseIdentityResponse carries what was committed.
 */
export interface ReleaseIdentityResponse__Output {
  /**
   * The entries committed (one, or two when a descendant appeared while the
   * first was being committed); empty when the identity was already revoked.
   */
  'entries': (_tessera_v1_RevocationEntry__Output)[];
}
