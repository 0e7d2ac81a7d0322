import { X509Bundle } from './bundle.js';
import type { TrustBundle__Output } from './gen/tessera/v1/TrustBundle.js';
import { JwtBundle } from './jwt-bundle.js';

/** A trust domain's bundles: X.509 and JWT. */
export interface TrustDomainBundles {
  readonly x509: X509Bundle;
  readonly jwt: JwtBundle | undefined;
}

/**
 * The bundles of the other trust domains a TrustBundle message carries, by trust domain.
 *
 * @throws like bundlesFromWire.
 * @example const partner = federatedBundlesFromWire(message).get('partner.example');
 */
export function federatedBundlesFromWire(message: TrustBundle__Output): Map<string, TrustDomainBundles> {
  return new Map(message.federatedBundles.map((b) => [b.trustDomain, bundlesFromWire(b)]));
}

/** Whether two sets of federated bundles hold the same trust domains with the same roots, keys and sequence numbers. */
export function sameFederatedBundles(a: ReadonlyMap<string, TrustDomainBundles>, b: ReadonlyMap<string, TrustDomainBundles>): boolean {
  if (a.size !== b.size) return false;
  for (const [td, x] of a) {
    const y = b.get(td);
    if (!y || x.x509.sequenceNumber !== y.x509.sequenceNumber) return false;
    if (x.x509.authorities.length !== y.x509.authorities.length || x.x509.authorities.some((der, i) => !der.equals(y.x509.authorities[i]!))) return false;
    const keys = (j: JwtBundle | undefined) => [...(j?.authorities.keys() ?? [])].join(' ');
    if (keys(x.jwt) !== keys(y.jwt)) return false;
  }
  return true;
}

/**
 * The bundles in a tessera.v1.TrustBundle message: the X.509 half (roots, revoked
 * and tainted intermediates) and the JWT half (undefined when it has no key).
 *
 * @throws {TesseraError} ERR_BUNDLE_INVALID for a JWT key that is not P-256; {SpiffeIdError} for a bad trust domain.
 * @example const { x509, jwt } = bundlesFromWire(response.bundle);
 */
export function bundlesFromWire(message: TrustBundle__Output): TrustDomainBundles {
  const x509 = new X509Bundle(message.trustDomain, message.x509Authorities, message.sequenceNumber, {
    revoked: message.revokedX509Authorities, tainted: message.taintedX509Authorities,
  });
  const jwt = message.jwtAuthorities.length === 0 ? undefined
    : new JwtBundle(message.trustDomain, message.jwtAuthorities.map((a) => ({ keyId: a.keyId, publicKey: a.publicKey })), message.sequenceNumber);
  return { x509, jwt };
}
