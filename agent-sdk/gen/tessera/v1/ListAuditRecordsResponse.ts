// Original file: proto/tessera/v1/admin.proto

import type { AuditRecord as _tessera_v1_AuditRecord, AuditRecord__Output as _tessera_v1_AuditRecord__Output } from '../../tessera/v1/AuditRecord.js';

/**
 * ListAuditRecordsResponse carries one page of records.
 */
export interface ListAuditRecordsResponse {
  /**
   * The records, in sequence order.
   */
  'records'?: (_tessera_v1_AuditRecord)[];
}

/**
 * ListAuditRecordsResponse carries one page of records.
 */
export interface ListAuditRecordsResponse__Output {
  /**
   * The records, in sequence order.
   */
  'records': (_tessera_v1_AuditRecord__Output)[];
}
