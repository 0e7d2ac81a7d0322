// Original file: proto/tessera/v1/admin.proto

import type { Long } from '@grpc/proto-loader';

/**
 * ListAuditRecordsRequest selects a page of the audit log.
 */
export interface ListAuditRecordsRequest {
  /**
   * Return records with a sequence number above this one; 0 starts at the first.
   */
  'afterSequence'?: (number | string | Long);
  /**
   * At most this many records; 0 means 100, and more than 1000 is cut to 1000.
   */
  'limit'?: (number);
}

/**
 * ListAuditRecordsRequest selects a page of the audit log.
 */
export interface ListAuditRecordsRequest__Output {
  /**
   * Return records with a sequence number above this one; 0 starts at the first.
   */
  'afterSequence': (number);
  /**
   * At most this many records; 0 means 100, and more than 1000 is cut to 1000.
   */
  'limit': (number);
}
