// Original file: proto/tessera/v1/svid.proto


/**
 * PrepareDelegationRequest says what the sub-agent may do and for how long.
 */
export interface PrepareDelegationRequest {
  /**
   * The sub-agent's scopes; each must be covered by the caller's own scopes.
   */
  'scopes'?: (string)[];
  /**
   * The sub-agent's SVID lifetime in seconds; 0 means the policy default.
   */
  'ttlSeconds'?: (number);
  /**
   * How long the sub-agent may live in all, in seconds; 0 means as long as the
   * caller may. More than the caller's remaining lifetime is refused.
   */
  'lifetimeSeconds'?: (number);
}

/**
 * PrepareDelegationRequest says what the sub-agent may do and for how long.
 */
export interface PrepareDelegationRequest__Output {
  /**
   * The sub-agent's scopes; each must be covered by the caller's own scopes.
   */
  'scopes': (string)[];
  /**
   * The sub-agent's SVID lifetime in seconds; 0 means the policy default.
   */
  'ttlSeconds': (number);
  /**
   * How long the sub-agent may live in all, in seconds; 0 means as long as the
   * caller may. More than the caller's remaining lifetime is refused.
   */
  'lifetimeSeconds': (number);
}
