// Original file: proto/tessera/v1/admin.proto


/**
 * UnbanOrchestratorRequest names the orchestrator whose ban is lifted.
 */
export interface UnbanOrchestratorRequest {
  /**
   * The orchestrator name: one SPIFFE path segment.
   */
  'orchestrator'?: (string);
}

/**
 * UnbanOrchestratorRequest names the orchestrator whose ban is lifted.
 */
export interface UnbanOrchestratorRequest__Output {
  /**
   * The orchestrator name: one SPIFFE path segment.
   */
  'orchestrator': (string);
}
