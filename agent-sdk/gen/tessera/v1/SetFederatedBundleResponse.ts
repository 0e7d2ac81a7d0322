// Original file: proto/tessera/v1/authority.proto

import type { Long } from '@grpc/proto-loader';

/**
 * SetFederatedBundleResponse reports what is now trusted.
 */
export interface SetFederatedBundleResponse {
  /**
   * The federated bundle's sequence number.
   */
  'sequenceNumber'?: (number | string | Long);
  /**
   * How many X.509 and JWT authorities it holds.
   */
  'x509Authorities'?: (number);
  /**
   * How many JWT authorities it holds.
   */
  'jwtAuthorities'?: (number);
}

/**
 * SetFederatedBundleResponse reports what is now trusted.
 */
export interface SetFederatedBundleResponse__Output {
  /**
   * The federated bundle's sequence number.
   */
  'sequenceNumber': (number);
  /**
   * How many X.509 and JWT authorities it holds.
   */
  'x509Authorities': (number);
  /**
   * How many JWT authorities it holds.
   */
  'jwtAuthorities': (number);
}
