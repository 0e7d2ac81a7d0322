// Original file: proto/tessera/v1/revocation.proto

import type { RevocationEntry as _tessera_v1_RevocationEntry, RevocationEntry__Output as _tessera_v1_RevocationEntry__Output } from '../../tessera/v1/RevocationEntry.js';

/**
 * CompleteTaskResponse carries what was committed.
 */
export interface CompleteTaskResponse {
  /**
   * The entries committed; empty when the task was already completed.
   */
  'entries'?: (_tessera_v1_RevocationEntry)[];
}

/**
 * CompleteTaskResponse carries what was committed.
 */
export interface CompleteTaskResponse__Output {
  /**
   * The entries committed; empty when the task was already completed.
   */
  'entries': (_tessera_v1_RevocationEntry__Output)[];
}
