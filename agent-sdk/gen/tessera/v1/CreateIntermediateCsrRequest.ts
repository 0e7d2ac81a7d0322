// Original file: proto/tessera/v1/authority.proto


/**
 * CreateIntermediateCsrRequest has no fields: the request names this CA's trust domain.
 */
export interface CreateIntermediateCsrRequest {
}

/**
 * CreateIntermediateCsrRequest has no fields: the request names this CA's trust domain.
 */
export interface CreateIntermediateCsrRequest__Output {
}
