// Original file: proto/tessera/v1/admin.proto


/**
 * RevokeRequest names what to revoke and why.
 */
export interface RevokeRequest {
  /**
   * A certificate serial number, hex.
   */
  'serial'?: (string);
  /**
   * A task token's jti claim.
   */
  'jti'?: (string);
  /**
   * The SPIFFE ID of one agent instance (or orchestrator).
   */
  'agent'?: (string);
  /**
   * "<orchestrator>/<task>": every agent instance of that task.
   */
  'task'?: (string);
  /**
   * The SPIFFE ID of an agent instance: it and every agent it delegated to.
   */
  'chain'?: (string);
  /**
   * The operator's reason, at most 200 characters; control and formatting
   * characters are replaced. Kept with the entry in the CA, never propagated.
   */
  'reason'?: (string);
  /**
   * With `agent` naming an orchestrator: also revoke every task it spawned
   * agents for, so its live agents go too (the operator's explicit choice,
   * audited as revoke.cascade). Refused with any other target.
   */
  'cascade'?: (boolean);
  /**
   * What to revoke; exactly one.
   */
  'target'?: "serial"|"jti"|"agent"|"task"|"chain";
}

/**
 * RevokeRequest names what to revoke and why.
 */
export interface RevokeRequest__Output {
  /**
   * A certificate serial number, hex.
   */
  'serial'?: (string);
  /**
   * A task token's jti claim.
   */
  'jti'?: (string);
  /**
   * The SPIFFE ID of one agent instance (or orchestrator).
   */
  'agent'?: (string);
  /**
   * "<orchestrator>/<task>": every agent instance of that task.
   */
  'task'?: (string);
  /**
   * The SPIFFE ID of an agent instance: it and every agent it delegated to.
   */
  'chain'?: (string);
  /**
   * The operator's reason, at most 200 characters; control and formatting
   * characters are replaced. Kept with the entry in the CA, never propagated.
   */
  'reason': (string);
  /**
   * With `agent` naming an orchestrator: also revoke every task it spawned
   * agents for, so its live agents go too (the operator's explicit choice,
   * audited as revoke.cascade). Refused with any other target.
   */
  'cascade': (boolean);
  /**
   * What to revoke; exactly one.
   */
  'target'?: "serial"|"jti"|"agent"|"task"|"chain";
}
