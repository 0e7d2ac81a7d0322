// Original file: proto/tessera/v1/svid.proto


/**
 * DelegateRequest completes a delegation.
 */
export interface DelegateRequest {
  /**
   * The delegation_id from PrepareDelegationResponse.
   */
  'delegationId'?: (string);
  /**
   * The caller's DER ECDSA-SHA256 signature over the record (see PrepareDelegationResponse).
   */
  'signature'?: (Buffer | Uint8Array | string);
}

/**
 * DelegateRequest completes a delegation.
 */
export interface DelegateRequest__Output {
  /**
   * The delegation_id from PrepareDelegationResponse.
   */
  'delegationId': (string);
  /**
   * The caller's DER ECDSA-SHA256 signature over the record (see PrepareDelegationResponse).
   */
  'signature': (Buffer);
}
