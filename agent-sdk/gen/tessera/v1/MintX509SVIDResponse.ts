// Original file: proto/tessera/v1/admin.proto

import type { Long } from '@grpc/proto-loader';

/**
 * MintX509SVIDResponse carries the certificate chain, without a key.
 */
export interface MintX509SVIDResponse {
  /**
   * DER, the leaf first, then the intermediate.
   */
  'certificates'?: (Buffer | Uint8Array | string)[];
  /**
   * The leaf's serial number, hex.
   */
  'serial'?: (string);
  /**
   * The leaf's notAfter, in milliseconds since the Unix epoch.
   */
  'expiresAtMs'?: (number | string | Long);
}

/**
 * MintX509SVIDResponse carries the certificate chain, without a key.
 */
export interface MintX509SVIDResponse__Output {
  /**
   * DER, the leaf first, then the intermediate.
   */
  'certificates': (Buffer)[];
  /**
   * The leaf's serial number, hex.
   */
  'serial': (string);
  /**
   * The leaf's notAfter, in milliseconds since the Unix epoch.
   */
  'expiresAtMs': (number);
}
