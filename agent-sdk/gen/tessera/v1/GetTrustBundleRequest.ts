// Original file: proto/tessera/v1/bundle.proto


/**
 * GetTrustBundleRequest has no fields.
 */
export interface GetTrustBundleRequest {
}

/**
 * GetTrustBundleRequest has no fields.
 */
export interface GetTrustBundleRequest__Output {
}
