// Original file: proto/tessera/v1/authority.proto


/**
 * UnsetFederatedBundleResponse has no fields: the call returns once it is durable.
 */
export interface UnsetFederatedBundleResponse {
}

/**
 * UnsetFederatedBundleResponse has no fields: the call returns once it is durable.
 */
export interface UnsetFederatedBundleResponse__Output {
}
