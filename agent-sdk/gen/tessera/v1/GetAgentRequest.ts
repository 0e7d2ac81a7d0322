// Original file: proto/tessera/v1/admin.proto


/**
 * GetAgentRequest names one identity.
 */
export interface GetAgentRequest {
  /**
   * Its SPIFFE ID.
   */
  'spiffeId'?: (string);
}

/**
 * GetAgentRequest names one identity.
 */
export interface GetAgentRequest__Output {
  /**
   * Its SPIFFE ID.
   */
  'spiffeId': (string);
}
