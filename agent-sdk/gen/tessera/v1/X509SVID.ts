// Original file: proto/tessera/v1/types.proto

import type { Long } from '@grpc/proto-loader';

/**
 * X509SVID is an X.509 SPIFFE Verifiable Identity Document and the chain that
 * links it to a root in the trust bundle.
 */
export interface X509SVID {
  /**
   * DER certificates, the leaf first, then the intermediates; never the root.
   */
  'certChain'?: (Buffer | Uint8Array | string)[];
  /**
   * The SPIFFE ID in the leaf's URI SAN, for convenience; the certificate is authoritative.
   */
  'spiffeId'?: (string);
  /**
   * The leaf's notAfter, in milliseconds since the Unix epoch.
   */
  'expiresAtMs'?: (number | string | Long);
}

/**
 * X509SVID is an X.509 SPIFFE Verifiable Identity Document and the chain that
 * links it to a root in the trust bundle.
 */
export interface X509SVID__Output {
  /**
   * DER certificates, the leaf first, then the intermediates; never the root.
   */
  'certChain': (Buffer)[];
  /**
   * The SPIFFE ID in the leaf's URI SAN, for convenience; the certificate is authoritative.
   */
  'spiffeId': (string);
  /**
   * The leaf's notAfter, in milliseconds since the Unix epoch.
   */
  'expiresAtMs': (number);
}
