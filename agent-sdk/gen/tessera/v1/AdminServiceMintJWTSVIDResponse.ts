// Original file: proto/tessera/v1/admin.proto

import type { Long } from '@grpc/proto-loader';

/**
 * AdminServiceMintJWTSVIDResponse carries the token.
 */
export interface AdminServiceMintJWTSVIDResponse {
  /**
   * The JWT-SVID, compact JWS; a bearer secret shown once, never recorded.
   */
  'token'?: (string);
  /**
   * Its exp, in milliseconds since the Unix epoch.
   */
  'expiresAtMs'?: (number | string | Long);
}

/**
 * AdminServiceMintJWTSVIDResponse carries the token.
 */
export interface AdminServiceMintJWTSVIDResponse__Output {
  /**
   * The JWT-SVID, compact JWS; a bearer secret shown once, never recorded.
   */
  'token': (string);
  /**
   * Its exp, in milliseconds since the Unix epoch.
   */
  'expiresAtMs': (number);
}
