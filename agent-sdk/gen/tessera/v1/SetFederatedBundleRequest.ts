// Original file: proto/tessera/v1/authority.proto


/**
 * SetFederatedBundleRequest names the trust domain and its bundle.
 */
export interface SetFederatedBundleRequest {
  /**
   * The other trust domain, for example "partner.example".
   */
  'trustDomain'?: (string);
  /**
   * Its SPIFFE bundle document (JSON); empty when url is given.
   */
  'spiffeBundle'?: (string);
  /**
   * Its https_web bundle endpoint; empty when spiffe_bundle is given.
   */
  'url'?: (string);
}

/**
 * SetFederatedBundleRequest names the trust domain and its bundle.
 */
export interface SetFederatedBundleRequest__Output {
  /**
   * The other trust domain, for example "partner.example".
   */
  'trustDomain': (string);
  /**
   * Its SPIFFE bundle document (JSON); empty when url is given.
   */
  'spiffeBundle': (string);
  /**
   * Its https_web bundle endpoint; empty when spiffe_bundle is given.
   */
  'url': (string);
}
