// Original file: proto/tessera/v1/authority.proto

import type { AuthorityKind as _tessera_v1_AuthorityKind, AuthorityKind__Output as _tessera_v1_AuthorityKind__Output } from '../../tessera/v1/AuthorityKind.js';

/**
 * PrepareAuthorityRequest names the kind.
 */
export interface PrepareAuthorityRequest {
  /**
   * Which kind of authority to prepare.
   */
  'kind'?: (_tessera_v1_AuthorityKind);
  /**
   * X.509 only, optional: an intermediate made elsewhere, PEM, then the
   * upstream intermediates above it, nearest first. Root only, optional: the
   * operator's new root (PEM), whose key stays offline.
   */
  'certificatePem'?: (string);
  /**
   * Its private key (PEM, EC P-256), with certificate_pem. Never logged or
   * audited. X.509 without it: the certificate is for the pending key
   * CreateIntermediateCsr made.
   */
  'privateKeyPem'?: (string);
}

/**
 * PrepareAuthorityRequest names the kind.
 */
export interface PrepareAuthorityRequest__Output {
  /**
   * Which kind of authority to prepare.
   */
  'kind': (_tessera_v1_AuthorityKind__Output);
  /**
   * X.509 only, optional: an intermediate made elsewhere, PEM, then the
   * upstream intermediates above it, nearest first. Root only, optional: the
   * operator's new root (PEM), whose key stays offline.
   */
  'certificatePem': (string);
  /**
   * Its private key (PEM, EC P-256), with certificate_pem. Never logged or
   * audited. X.509 without it: the certificate is for the pending key
   * CreateIntermediateCsr made.
   */
  'privateKeyPem': (string);
}
