import type { KeyObject } from 'node:crypto';
import type { SpiffeId } from './spiffe-id.js';

/**
 * An X509-SVID with its private key. The key lives in memory only: nothing in the
 * SDK writes it anywhere, and it is replaced (never reused) at every rotation.
 */
export interface X509Svid {
  /** The SPIFFE ID in the leaf's URI SAN. */
  readonly id: SpiffeId;
  /** DER certificates, the leaf first, then intermediates (never the root). */
  readonly certificates: readonly Buffer[];
  /** The leaf's private key (ECDSA P-256). */
  readonly privateKey: KeyObject;
  /** The leaf's notBefore, in milliseconds since the Unix epoch. */
  readonly notBeforeMs: number;
  /** The leaf's notAfter, in milliseconds since the Unix epoch. */
  readonly expiresAtMs: number;
}

/** Anything that can hand out the current X509-SVID; a plain object satisfies it. */
export interface X509SvidSource {
  /** The current SVID. Never blocks. */
  getX509Svid(): X509Svid;
}
