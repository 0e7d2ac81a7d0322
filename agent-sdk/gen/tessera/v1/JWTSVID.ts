// Original file: proto/tessera/v1/types.proto

import type { Long } from '@grpc/proto-loader';

/**
 * JWTSVID is a JWT SPIFFE Verifiable Identity Document: a signed, short-lived
 * task token (JWS compact serialization).
 */
export interface JWTSVID {
  /**
   * The token; a bearer secret, bound to one certificate by its cnf claim.
   */
  'token'?: (string);
  /**
   * The SPIFFE ID in its "sub" claim, for convenience; the token is authoritative.
   */
  'spiffeId'?: (string);
  /**
   * Its "exp", in milliseconds since the Unix epoch.
   */
  'expiresAtMs'?: (number | string | Long);
}

/**
 * JWTSVID is a JWT SPIFFE Verifiable Identity Document: a signed, short-lived
 * task token (JWS compact serialization).
 */
export interface JWTSVID__Output {
  /**
   * The token; a bearer secret, bound to one certificate by its cnf claim.
   */
  'token': (string);
  /**
   * The SPIFFE ID in its "sub" claim, for convenience; the token is authoritative.
   */
  'spiffeId': (string);
  /**
   * Its "exp", in milliseconds since the Unix epoch.
   */
  'expiresAtMs': (number);
}
