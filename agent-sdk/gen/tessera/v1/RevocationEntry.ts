// Original file: proto/tessera/v1/revocation.proto

import type { RevocationKind as _tessera_v1_RevocationKind, RevocationKind__Output as _tessera_v1_RevocationKind__Output } from '../../tessera/v1/RevocationKind.js';
import type { RevocationCause as _tessera_v1_RevocationCause, RevocationCause__Output as _tessera_v1_RevocationCause__Output } from '../../tessera/v1/RevocationCause.js';
import type { Long } from '@grpc/proto-loader';

/**
 * RevocationEntry is one revocation. Entries are never changed; an entry is
 * dropped once everything it covers has expired.
 */
export interface RevocationEntry {
  /**
   * Increases by one with every entry the CA commits; never reused.
   */
  'sequence'?: (number | string | Long);
  /**
   * What target names.
   */
  'kind'?: (_tessera_v1_RevocationKind);
  /**
   * The serial (lowercase hex), the jti, the SPIFFE ID (agent, chain),
   * "<orchestrator>/<task>" (task), the SHA-256 of the public key (X.509
   * authority, lowercase hex) or the key id (JWT authority).
   */
  'target'?: (string);
  /**
   * For chain entries: the SPIFFE IDs of the target and of every descendant
   * the CA knew when it committed the entry. A validator refuses each of them,
   * and any peer whose delegation chain contains the target.
   */
  'coveredIds'?: (string)[];
  /**
   * When the CA committed the entry, in milliseconds since the Unix epoch.
   */
  'revokedAtMs'?: (number | string | Long);
  /**
   * When everything the entry covers has expired, in milliseconds since the
   * Unix epoch; validators may drop the entry after that.
   */
  'expiresAtMs'?: (number | string | Long);
  /**
   * Why the entry exists. The operator's free-text reason stays in the CA.
   */
  'cause'?: (_tessera_v1_RevocationCause);
  /**
   * For X.509 authority entries: the authority's public key (DER
   * SubjectPublicKeyInfo), whose SHA-256 is target; empty for other kinds.
   */
  'publicKey'?: (Buffer | Uint8Array | string);
}

/**
 * RevocationEntry is one revocation. Entries are never changed; an entry is
 * dropped once everything it covers has expired.
 */
export interface RevocationEntry__Output {
  /**
   * Increases by one with every entry the CA commits; never reused.
   */
  'sequence': (number);
  /**
   * What target names.
   */
  'kind': (_tessera_v1_RevocationKind__Output);
  /**
   * The serial (lowercase hex), the jti, the SPIFFE ID (agent, chain),
   * "<orchestrator>/<task>" (task), the SHA-256 of the public key (X.509
   * authority, lowercase hex) or the key id (JWT authority).
   */
  'target': (string);
  /**
   * For chain entries: the SPIFFE IDs of the target and of every descendant
   * the CA knew when it committed the entry. A validator refuses each of them,
   * and any peer whose delegation chain contains the target.
   */
  'coveredIds': (string)[];
  /**
   * When the CA committed the entry, in milliseconds since the Unix epoch.
   */
  'revokedAtMs': (number);
  /**
   * When everything the entry covers has expired, in milliseconds since the
   * Unix epoch; validators may drop the entry after that.
   */
  'expiresAtMs': (number);
  /**
   * Why the entry exists. The operator's free-text reason stays in the CA.
   */
  'cause': (_tessera_v1_RevocationCause__Output);
  /**
   * For X.509 authority entries: the authority's public key (DER
   * SubjectPublicKeyInfo), whose SHA-256 is target; empty for other kinds.
   */
  'publicKey': (Buffer);
}
