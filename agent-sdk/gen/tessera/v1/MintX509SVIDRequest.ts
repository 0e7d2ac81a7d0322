// Original file: proto/tessera/v1/admin.proto


/**
 * MintX509SVIDRequest names the service identity and its public key.
 */
export interface MintX509SVIDRequest {
  /**
   * The SPIFFE ID: spiffe://<this trust domain>/service/<name>.
   */
  'spiffeId'?: (string);
  /**
   * The subject's P-256 public key, DER SubjectPublicKeyInfo; never a private key.
   */
  'publicKey'?: (Buffer | Uint8Array | string);
  /**
   * The certificate lifetime in seconds; 0 means one hour. From 60 to 86400.
   */
  'ttlSeconds'?: (number);
}

/**
 * MintX509SVIDRequest names the service identity and its public key.
 */
export interface MintX509SVIDRequest__Output {
  /**
   * The SPIFFE ID: spiffe://<this trust domain>/service/<name>.
   */
  'spiffeId': (string);
  /**
   * The subject's P-256 public key, DER SubjectPublicKeyInfo; never a private key.
   */
  'publicKey': (Buffer);
  /**
   * The certificate lifetime in seconds; 0 means one hour. From 60 to 86400.
   */
  'ttlSeconds': (number);
}
