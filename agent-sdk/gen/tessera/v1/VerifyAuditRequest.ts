// Original file: proto/tessera/v1/admin.proto


/**
 * VerifyAuditRequest has no fields.
 */
export interface VerifyAuditRequest {
}

/**
 * VerifyAuditRequest has no fields.
 */
export interface VerifyAuditRequest__Output {
}
