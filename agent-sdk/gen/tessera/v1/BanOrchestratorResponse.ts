// Original file: proto/tessera/v1/admin.proto

import type { RevocationEntry as _tessera_v1_RevocationEntry, RevocationEntry__Output as _tessera_v1_RevocationEntry__Output } from '../../tessera/v1/RevocationEntry.js';

/**
 * BanOrchestratorResponse says what the ban changed.
 */
export interface BanOrchestratorResponse {
  /**
   * The revocation entries committed for the orchestrator's current identity;
   * empty when it had none or it was already revoked.
   */
  'entries'?: (_tessera_v1_RevocationEntry)[];
  /**
   * False when the orchestrator was already banned.
   */
  'banned'?: (boolean);
}

/**
 * BanOrchestratorResponse says what the ban changed.
 */
export interface BanOrchestratorResponse__Output {
  /**
   * The revocation entries committed for the orchestrator's current identity;
   * empty when it had none or it was already revoked.
   */
  'entries': (_tessera_v1_RevocationEntry__Output)[];
  /**
   * False when the orchestrator was already banned.
   */
  'banned': (boolean);
}
