// Original file: proto/tessera/v1/admin.proto


/**
 * CreateJoinTokenRequest names the orchestrator the token will attest.
 */
export interface CreateJoinTokenRequest {
  /**
   * The orchestrator name: one SPIFFE path segment.
   */
  'orchestrator'?: (string);
  /**
   * The token lifetime in seconds; 0 means the configured default.
   */
  'ttlSeconds'?: (number);
}

/**
 * CreateJoinTokenRequest names the orchestrator the token will attest.
 */
export interface CreateJoinTokenRequest__Output {
  /**
   * The orchestrator name: one SPIFFE path segment.
   */
  'orchestrator': (string);
  /**
   * The token lifetime in seconds; 0 means the configured default.
   */
  'ttlSeconds': (number);
}
