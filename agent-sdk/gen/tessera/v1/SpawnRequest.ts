// Original file: proto/tessera/v1/svid.proto


/**
 * SpawnRequest asks for an identity for one new agent instance.
 */
export interface SpawnRequest {
  /**
   * The task id: one SPIFFE path segment chosen by the orchestrator.
   */
  'taskId'?: (string);
  /**
   * The scopes the agent's task needs.
   */
  'scopes'?: (string)[];
  /**
   * The human on whose behalf the agent acts: an opaque user id.
   */
  'sponsor'?: (string);
  /**
   * The requested SVID lifetime in seconds; 0 means the policy default.
   */
  'ttlSeconds'?: (number);
}

/**
 * SpawnRequest asks for an identity for one new agent instance.
 */
export interface SpawnRequest__Output {
  /**
   * The task id: one SPIFFE path segment chosen by the orchestrator.
   */
  'taskId': (string);
  /**
   * The scopes the agent's task needs.
   */
  'scopes': (string)[];
  /**
   * The human on whose behalf the agent acts: an opaque user id.
   */
  'sponsor': (string);
  /**
   * The requested SVID lifetime in seconds; 0 means the policy default.
   */
  'ttlSeconds': (number);
}
