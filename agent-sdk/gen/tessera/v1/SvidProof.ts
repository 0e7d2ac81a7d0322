// Original file: proto/tessera/v1/types.proto

import type { Long } from '@grpc/proto-loader';

/**
 * SvidProof proves possession of an X509-SVID's private key in a request, for
 * a caller that presents no client certificate (docs/decisions.md, "Renewal
 * over a kept channel"). The signature covers
 * purpose || 0x00 || SHA-256(svid) || SHA-256(payload) || signed_at_ms
 * (8 bytes, big-endian), where the purpose and the payload are named by the
 * request that carries the proof.
 */
export interface SvidProof {
  /**
   * The DER leaf certificate of the SVID: the identity's newest.
   */
  'svid'?: (Buffer | Uint8Array | string);
  /**
   * When the caller signed, in milliseconds since the Unix epoch; the CA refuses
   * a time more than a minute away from its own clock.
   */
  'signedAtMs'?: (number | string | Long);
  /**
   * The DER ECDSA-SHA256 signature by the key of `svid`.
   */
  'signature'?: (Buffer | Uint8Array | string);
}

/**
 * SvidProof proves possession of an X509-SVID's private key in a request, for
 * a caller that presents no client certificate (docs/decisions.md, "Renewal
 * over a kept channel"). The signature covers
 * purpose || 0x00 || SHA-256(svid) || SHA-256(payload) || signed_at_ms
 * (8 bytes, big-endian), where the purpose and the payload are named by the
 * request that carries the proof.
 */
export interface SvidProof__Output {
  /**
   * The DER leaf certificate of the SVID: the identity's newest.
   */
  'svid': (Buffer);
  /**
   * When the caller signed, in milliseconds since the Unix epoch; the CA refuses
   * a time more than a minute away from its own clock.
   */
  'signedAtMs': (number);
  /**
   * The DER ECDSA-SHA256 signature by the key of `svid`.
   */
  'signature': (Buffer);
}
