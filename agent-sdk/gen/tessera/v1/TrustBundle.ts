// Original file: proto/tessera/v1/types.proto

import type { JWTAuthority as _tessera_v1_JWTAuthority, JWTAuthority__Output as _tessera_v1_JWTAuthority__Output } from '../../tessera/v1/JWTAuthority.js';
import type { TrustBundle as _tessera_v1_TrustBundle, TrustBundle__Output as _tessera_v1_TrustBundle__Output } from '../../tessera/v1/TrustBundle.js';
import type { Long } from '@grpc/proto-loader';

/**
 * TrustBundle holds the X.509 authorities that SVIDs of one trust domain chain to.
 */
export interface TrustBundle {
  /**
   * The trust domain name, for example "tessera.local".
   */
  'trustDomain'?: (string);
  /**
   * DER root certificates.
   */
  'x509Authorities'?: (Buffer | Uint8Array | string)[];
  /**
   * Increases whenever the set of authorities changes.
   */
  'sequenceNumber'?: (number | string | Long);
  /**
   * How often a holder should fetch the bundle again, in seconds.
   */
  'refreshHintSeconds'?: (number);
  /**
   * The keys that sign JWT-SVIDs (task tokens) of this trust domain; the SDK
   * exposes them as a JWKS (RFC 7517) with "use": "jwt-svid".
   */
  'jwtAuthorities'?: (_tessera_v1_JWTAuthority)[];
  /**
   * Public keys (DER SubjectPublicKeyInfo) of intermediates (and roots) the
   * trust domain revoked: a chain through a certificate with one of these
   * keys, or a leaf one of them signed, is refused although its root is above.
   */
  'revokedX509Authorities'?: (Buffer | Uint8Array | string)[];
  /**
   * Public keys of intermediates the trust domain tainted: a holder of an
   * X509-SVID one of them signed renews it now.
   */
  'taintedX509Authorities'?: (Buffer | Uint8Array | string)[];
  /**
   * The bundles of the other trust domains this one federates with, each
   * with that trust domain's own sequence number; a peer of one of them is
   * verified against its own bundle only. Empty inside those bundles.
   */
  'federatedBundles'?: (_tessera_v1_TrustBundle)[];
}

/**
 * TrustBundle holds the X.509 authorities that SVIDs of one trust domain chain to.
 */
export interface TrustBundle__Output {
  /**
   * The trust domain name, for example "tessera.local".
   */
  'trustDomain': (string);
  /**
   * DER root certificates.
   */
  'x509Authorities': (Buffer)[];
  /**
   * Increases whenever the set of authorities changes.
   */
  'sequenceNumber': (number);
  /**
   * How often a holder should fetch the bundle again, in seconds.
   */
  'refreshHintSeconds': (number);
  /**
   * The keys that sign JWT-SVIDs (task tokens) of this trust domain; the SDK
   * exposes them as a JWKS (RFC 7517) with "use": "jwt-svid".
   */
  'jwtAuthorities': (_tessera_v1_JWTAuthority__Output)[];
  /**
   * Public keys (DER SubjectPublicKeyInfo) of intermediates (and roots) the
   * trust domain revoked: a chain through a certificate with one of these
   * keys, or a leaf one of them signed, is refused although its root is above.
   */
  'revokedX509Authorities': (Buffer)[];
  /**
   * Public keys of intermediates the trust domain tainted: a holder of an
   * X509-SVID one of them signed renews it now.
   */
  'taintedX509Authorities': (Buffer)[];
  /**
   * The bundles of the other trust domains this one federates with, each
   * with that trust domain's own sequence number; a peer of one of them is
   * verified against its own bundle only. Empty inside those bundles.
   */
  'federatedBundles': (_tessera_v1_TrustBundle__Output)[];
}
