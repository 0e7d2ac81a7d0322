// Original file: proto/tessera/v1/authority.proto


/**
 * CreateIntermediateCsrResponse carries the request to sign.
 */
export interface CreateIntermediateCsrResponse {
  /**
   * A PKCS#10 certification request (PEM) for an EC P-256 key, asking for a
   * CA certificate with pathlen 0, keyCertSign and cRLSign.
   */
  'csrPem'?: (string);
}

/**
 * CreateIntermediateCsrResponse carries the request to sign.
 */
export interface CreateIntermediateCsrResponse__Output {
  /**
   * A PKCS#10 certification request (PEM) for an EC P-256 key, asking for a
   * CA certificate with pathlen 0, keyCertSign and cRLSign.
   */
  'csrPem': (string);
}
