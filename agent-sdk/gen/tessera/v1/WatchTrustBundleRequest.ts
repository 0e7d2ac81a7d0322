// Original file: proto/tessera/v1/bundle.proto


/**
 * WatchTrustBundleRequest has no fields.
 */
export interface WatchTrustBundleRequest {
}

/**
 * WatchTrustBundleRequest has no fields.
 */
export interface WatchTrustBundleRequest__Output {
}
