// Original file: proto/tessera/v1/types.proto


/**
 * JWTAuthority is one public key that JWT-SVIDs of a trust domain are signed with.
 */
export interface JWTAuthority {
  /**
   * The "kid" a token names in its header: the key's RFC 7638 JWK thumbprint.
   */
  'keyId'?: (string);
  /**
   * The public key as a DER SubjectPublicKeyInfo (ECDSA P-256, for ES256).
   */
  'publicKey'?: (Buffer | Uint8Array | string);
}

/**
 * JWTAuthority is one public key that JWT-SVIDs of a trust domain are signed with.
 */
export interface JWTAuthority__Output {
  /**
   * The "kid" a token names in its header: the key's RFC 7638 JWK thumbprint.
   */
  'keyId': (string);
  /**
   * The public key as a DER SubjectPublicKeyInfo (ECDSA P-256, for ES256).
   */
  'publicKey': (Buffer);
}
