// Original file: proto/tessera/v1/authority.proto

import type { AuthorityKind as _tessera_v1_AuthorityKind, AuthorityKind__Output as _tessera_v1_AuthorityKind__Output } from '../../tessera/v1/AuthorityKind.js';
import type { Long } from '@grpc/proto-loader';

/**
 * Authority is one signing authority.
 */
export interface Authority {
  /**
   * What it signs.
   */
  'kind'?: (_tessera_v1_AuthorityKind);
  /**
   * X.509: the hex subject key identifier; JWT: the key id.
   */
  'authorityId'?: (string);
  /**
   * prepared, active, old, tainted or revoked.
   */
  'state'?: (string);
  /**
   * Its validity, in milliseconds since the Unix epoch.
   */
  'notBeforeMs'?: (number | string | Long);
  /**
   * For a JWT key, when the schedule replaces it.
   */
  'notAfterMs'?: (number | string | Long);
  /**
   * When its state last changed, in milliseconds since the Unix epoch.
   */
  'changedAtMs'?: (number | string | Long);
  /**
   * The certificate in PEM (X.509 intermediates and roots).
   */
  'certificatePem'?: (string);
}

/**
 * Authority is one signing authority.
 */
export interface Authority__Output {
  /**
   * What it signs.
   */
  'kind': (_tessera_v1_AuthorityKind__Output);
  /**
   * X.509: the hex subject key identifier; JWT: the key id.
   */
  'authorityId': (string);
  /**
   * prepared, active, old, tainted or revoked.
   */
  'state': (string);
  /**
   * Its validity, in milliseconds since the Unix epoch.
   */
  'notBeforeMs': (number);
  /**
   * For a JWT key, when the schedule replaces it.
   */
  'notAfterMs': (number);
  /**
   * When its state last changed, in milliseconds since the Unix epoch.
   */
  'changedAtMs': (number);
  /**
   * The certificate in PEM (X.509 intermediates and roots).
   */
  'certificatePem': (string);
}
