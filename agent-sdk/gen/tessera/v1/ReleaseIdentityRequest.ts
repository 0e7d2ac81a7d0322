// Original file: proto/tessera/v1/revocation.proto


/**
 * ReleaseIdentityRequest has no fields: the caller releases itself.
 */
export interface ReleaseIdentityRequest {
}

/**
 * ReleaseIdentityRequest has no fields: the caller releases itself.
 */
export interface ReleaseIdentityRequest__Output {
}
