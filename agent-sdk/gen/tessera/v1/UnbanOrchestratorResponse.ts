// Original file: proto/tessera/v1/admin.proto


/**
 * UnbanOrchestratorResponse says whether a ban was lifted.
 */
export interface UnbanOrchestratorResponse {
  /**
   * False when the orchestrator was not banned.
   */
  'lifted'?: (boolean);
}

/**
 * UnbanOrchestratorResponse says whether a ban was lifted.
 */
export interface UnbanOrchestratorResponse__Output {
  /**
   * False when the orchestrator was not banned.
   */
  'lifted': (boolean);
}
