import { X509Bundle } from './bundle.js';
import type { TrustBundle__Output } from './gen/tessera/v1/TrustBundle.js';
import { JwtBundle } from './jwt-bundle.js';

/**
 * The bundles in a tessera.v1.TrustBundle message: the X.509 half (roots, revoked
 * and tainted intermediates) and the JWT half (undefined when it has no key).
 *
 * @throws {TesseraError} ERR_BUNDLE_INVALID for a JWT key that is not P-256; {SpiffeIdError} for a bad trust domain.
 * @example const { x509, jwt } = bundlesFromWire(response.bundle);
 */
export function bundlesFromWire(message: TrustBundle__Output): { x509: X509Bundle; jwt: JwtBundle | undefined } {
  const x509 = new X509Bundle(message.trustDomain, message.x509Authorities, message.sequenceNumber, {
    revoked: message.revokedX509Authorities, tainted: message.taintedX509Authorities,
  });
  const jwt = message.jwtAuthorities.length === 0 ? undefined
    : new JwtBundle(message.trustDomain, message.jwtAuthorities.map((a) => ({ keyId: a.keyId, publicKey: a.publicKey })), message.sequenceNumber);
  return { x509, jwt };
}
