// Original file: proto/tessera/v1/authority.proto


/**
 * GetBundleRequest has no fields.
 */
export interface GetBundleRequest {
}

/**
 * GetBundleRequest has no fields.
 */
export interface GetBundleRequest__Output {
}
