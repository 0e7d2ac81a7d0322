// Original file: proto/tessera/v1/svid.proto


/**
 * RenewX509SVIDRequest asks for a new SVID for the caller's identity.
 */
export interface RenewX509SVIDRequest {
  /**
   * A DER PKCS#10 request signed by a new key; only its public key is used.
   */
  'csr'?: (Buffer | Uint8Array | string);
}

/**
 * RenewX509SVIDRequest asks for a new SVID for the caller's identity.
 */
export interface RenewX509SVIDRequest__Output {
  /**
   * A DER PKCS#10 request signed by a new key; only its public key is used.
   */
  'csr': (Buffer);
}
