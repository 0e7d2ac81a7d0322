// Original file: proto/tessera/v1/svid.proto


/**
 * ActivateRequest redeems a spawn ticket.
 */
export interface ActivateRequest {
  /**
   * The spawn ticket from SpawnResponse.
   */
  'ticket'?: (string);
  /**
   * A DER PKCS#10 request signed by the agent's new key; only its public key is used.
   */
  'csr'?: (Buffer | Uint8Array | string);
}

/**
 * ActivateRequest redeems a spawn ticket.
 */
export interface ActivateRequest__Output {
  /**
   * The spawn ticket from SpawnResponse.
   */
  'ticket': (string);
  /**
   * A DER PKCS#10 request signed by the agent's new key; only its public key is used.
   */
  'csr': (Buffer);
}
