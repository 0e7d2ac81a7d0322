// Original file: proto/tessera/v1/authority.proto

import type { Authority as _tessera_v1_Authority, Authority__Output as _tessera_v1_Authority__Output } from '../../tessera/v1/Authority.js';
import type { Long } from '@grpc/proto-loader';

/**
 * ListAuthoritiesResponse lists them.
 */
export interface ListAuthoritiesResponse {
  /**
   * Oldest first.
   */
  'authorities'?: (_tessera_v1_Authority)[];
  /**
   * The bundle's sequence number.
   */
  'bundleSequence'?: (number | string | Long);
  /**
   * What the operator must act on (with an offline root: the next
   * intermediate is due); empty when nothing needs doing.
   */
  'warnings'?: (string)[];
}

/**
 * ListAuthoritiesResponse lists them.
 */
export interface ListAuthoritiesResponse__Output {
  /**
   * Oldest first.
   */
  'authorities': (_tessera_v1_Authority__Output)[];
  /**
   * The bundle's sequence number.
   */
  'bundleSequence': (number);
  /**
   * What the operator must act on (with an offline root: the next
   * intermediate is due); empty when nothing needs doing.
   */
  'warnings': (string)[];
}
