// Original file: proto/tessera/v1/admin.proto

import type { Long } from '@grpc/proto-loader';

/**
 * CreateJoinTokenResponse carries the token.
 */
export interface CreateJoinTokenResponse {
  /**
   * The join token; a secret shown once, only its hash is stored.
   */
  'token'?: (string);
  /**
   * The orchestrator SPIFFE ID the token will attest.
   */
  'spiffeId'?: (string);
  /**
   * When the token stops working, in milliseconds since the Unix epoch.
   */
  'expiresAtMs'?: (number | string | Long);
}

/**
 * CreateJoinTokenResponse carries the token.
 */
export interface CreateJoinTokenResponse__Output {
  /**
   * The join token; a secret shown once, only its hash is stored.
   */
  'token': (string);
  /**
   * The orchestrator SPIFFE ID the token will attest.
   */
  'spiffeId': (string);
  /**
   * When the token stops working, in milliseconds since the Unix epoch.
   */
  'expiresAtMs': (number);
}
