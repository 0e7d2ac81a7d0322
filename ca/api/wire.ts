import type { X509SVID } from '../../agent-sdk/gen/tessera/v1/X509SVID.js';
import type { TrustBundle } from '../../agent-sdk/gen/tessera/v1/TrustBundle.js';
import type { X509Bundle } from '../../agent-sdk/bundle.js';
import type { JwtBundle } from '../../agent-sdk/jwt-bundle.js';
import type { Authority, IssuedX509Svid } from '../authority/authority.js';

/** The wire form of an issued SVID. */
export function x509SvidMessage(svid: IssuedX509Svid): X509SVID {
  return { certChain: svid.certificates, spiffeId: svid.spiffeId, expiresAtMs: svid.notAfterMs };
}

/** How often holders should refresh the bundle. */
export const BUNDLE_REFRESH_SECONDS = 300;

/**
 * The wire form of the trust bundle: the X.509 roots, the revoked and tainted intermediates' keys,
 * when the CA signs task tokens its JWT keys, and the bundles of the trust domains it federates with.
 */
export function trustBundleMessage(bundle: X509Bundle, jwt?: JwtBundle, federated: readonly { x509: X509Bundle; jwt: JwtBundle }[] = []): TrustBundle {
  return {
    trustDomain: bundle.trustDomain,
    x509Authorities: [...bundle.authorities],
    sequenceNumber: bundle.sequenceNumber,
    refreshHintSeconds: BUNDLE_REFRESH_SECONDS,
    jwtAuthorities: [...(jwt?.entries ?? [])],
    revokedX509Authorities: [...bundle.revokedAuthorities],
    taintedX509Authorities: [...bundle.taintedAuthorities],
    federatedBundles: federated.map((f) => trustBundleMessage(f.x509, f.jwt)),
  };
}

/** The wire form of an authority's whole bundle: its own and the federated ones. */
export function authorityBundleMessage(authority: Pick<Authority, 'bundle' | 'jwtBundle' | 'federatedBundles'>): TrustBundle {
  return trustBundleMessage(authority.bundle, authority.jwtBundle, authority.federatedBundles);
}
