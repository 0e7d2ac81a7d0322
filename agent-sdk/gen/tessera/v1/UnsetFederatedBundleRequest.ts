// Original file: proto/tessera/v1/authority.proto


/**
 * UnsetFederatedBundleRequest names the trust domain.
 */
export interface UnsetFederatedBundleRequest {
  /**
   * The federated trust domain, for example "partner.example".
   */
  'trustDomain'?: (string);
}

/**
 * UnsetFederatedBundleRequest names the trust domain.
 */
export interface UnsetFederatedBundleRequest__Output {
  /**
   * The federated trust domain, for example "partner.example".
   */
  'trustDomain': (string);
}
