// Original file: proto/tessera/v1/admin.proto


/**
 * BanOrchestratorRequest names the orchestrator to ban.
 */
export interface BanOrchestratorRequest {
  /**
   * The orchestrator name: one SPIFFE path segment.
   */
  'orchestrator'?: (string);
  /**
   * The operator's reason, as for RevokeRequest.reason.
   */
  'reason'?: (string);
}

/**
 * BanOrchestratorRequest names the orchestrator to ban.
 */
export interface BanOrchestratorRequest__Output {
  /**
   * The orchestrator name: one SPIFFE path segment.
   */
  'orchestrator': (string);
  /**
   * The operator's reason, as for RevokeRequest.reason.
   */
  'reason': (string);
}
