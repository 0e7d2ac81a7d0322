// Original file: proto/tessera/v1/node_attestation.proto


/**
 * AttestationParams opens an attestation.
 */
export interface AttestationParams {
  /**
   * The node-attestor plugin name, for example "join_token" or "x509pop".
   */
  'attestor'?: (string);
  /**
   * The plugin's payload, in the plugin's own encoding.
   */
  'payload'?: (Buffer | Uint8Array | string);
  /**
   * A DER PKCS#10 request; only its public key is used.
   */
  'csr'?: (Buffer | Uint8Array | string);
}

/**
 * AttestationParams opens an attestation.
 */
export interface AttestationParams__Output {
  /**
   * The node-attestor plugin name, for example "join_token" or "x509pop".
   */
  'attestor': (string);
  /**
   * The plugin's payload, in the plugin's own encoding.
   */
  'payload': (Buffer);
  /**
   * A DER PKCS#10 request; only its public key is used.
   */
  'csr': (Buffer);
}
