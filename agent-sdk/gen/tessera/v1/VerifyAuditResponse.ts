// Original file: proto/tessera/v1/admin.proto

import type { Long } from '@grpc/proto-loader';

/**
 * VerifyAuditResponse reports on the audit log.
 */
export interface VerifyAuditResponse {
  /**
   * True when every record and checkpoint fits.
   */
  'ok'?: (boolean);
  /**
   * How many records were checked.
   */
  'records'?: (number | string | Long);
  /**
   * How many signed checkpoints were checked.
   */
  'checkpoints'?: (number | string | Long);
  /**
   * The sequence number of the first record that does not fit; 0 when ok.
   */
  'firstBadSequence'?: (number | string | Long);
  /**
   * Why that record does not fit, as a stable reason code.
   */
  'reason'?: (string);
}

/**
 * VerifyAuditResponse reports on the audit log.
 */
export interface VerifyAuditResponse__Output {
  /**
   * True when every record and checkpoint fits.
   */
  'ok': (boolean);
  /**
   * How many records were checked.
   */
  'records': (number);
  /**
   * How many signed checkpoints were checked.
   */
  'checkpoints': (number);
  /**
   * The sequence number of the first record that does not fit; 0 when ok.
   */
  'firstBadSequence': (number);
  /**
   * Why that record does not fit, as a stable reason code.
   */
  'reason': (string);
}
