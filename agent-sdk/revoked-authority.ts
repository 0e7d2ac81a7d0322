/**
 * Refusing what a revoked intermediate signed. Its root stays in the bundle (it
 * signs the intermediates that replace it), so the path would verify; the
 * bundle carries the revoked intermediates' public keys, and a certificate with
 * such a key on the path, or a leaf signed by one, is refused. Matching the key,
 * not the certificate, also refuses an intermediate re-issued over a stolen key.
 */
import { X509Certificate, createHash, createPublicKey } from 'node:crypto';
import type { X509Bundle } from './bundle.js';
import { readCertificate } from './certificate.js';
import { PeerError } from './errors.js';

/**
 * Checks every certificate above the leaf on a verified path against the
 * bundle's revoked authorities. Synchronous.
 *
 * @throws {PeerError} ERR_REVOKED when one of them has a revoked key.
 * @example checkPathAuthorities(bundle, verified.verifiedChain);
 */
export function checkPathAuthorities(bundle: X509Bundle, path: readonly X509Certificate[]): void {
  if (bundle.revokedAuthorities.length === 0) return;
  for (const cert of path.slice(1)) {
    const spki = readCertificate(cert.raw).subjectPublicKeyInfo;
    if (bundle.revokedAuthorities.some((key) => key.equals(spki))) {
      throw new PeerError('ERR_REVOKED', 'the certificate chains through a revoked intermediate authority');
    }
  }
}

// Per bundle (a changed bundle is a new object), the leaves already checked.
const checkedLeaves = new WeakMap<X509Bundle, Map<string, boolean>>();
const MAX_CHECKED = 4096;

/**
 * For callers that see only the leaf (a grpc-js server): refuses a leaf whose
 * signature verifies with a revoked authority's key. One signature check per
 * revoked key, once per leaf and bundle. Synchronous.
 *
 * @throws {PeerError} ERR_REVOKED.
 * @example checkLeafIssuer(bundle, leafDer);
 */
export function checkLeafIssuer(bundle: X509Bundle, leafDer: Uint8Array): void {
  if (bundle.revokedAuthorities.length === 0) return;
  let checked = checkedLeaves.get(bundle);
  if (!checked) checkedLeaves.set(bundle, (checked = new Map()));
  const key = createHash('sha256').update(leafDer).digest('base64');
  let revoked = checked.get(key);
  if (revoked === undefined) {
    const leaf = new X509Certificate(leafDer);
    revoked = bundle.revokedAuthorities.some((spki) => leaf.verify(createPublicKey({ key: spki, format: 'der', type: 'spki' })));
    if (checked.size >= MAX_CHECKED) checked.delete(checked.keys().next().value!);
    checked.set(key, revoked);
  }
  if (revoked) throw new PeerError('ERR_REVOKED', 'the certificate was signed by a revoked intermediate authority');
}
