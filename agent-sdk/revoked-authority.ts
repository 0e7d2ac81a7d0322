/**
 * Refusing what a revoked intermediate signed. Its root stays in the bundle (it
 * signs the intermediates that replace it), so the path would verify; the
 * bundle carries the revoked intermediates' public keys, and a certificate with
 * such a key on the path, or a leaf signed by one, is refused. Matching the key,
 * not the certificate, also refuses an intermediate re-issued over a stolen key.
 *
 * The revocation feed carries the same keys (x509_authority entries, and
 * jwt_authority entries for JWT keys): withRevokedAuthorities adds them to the
 * bundle the checks below read, so a verifier following only the feed, or whose
 * bundle lags, refuses the same paths.
 */
import { X509Certificate, createHash, createPublicKey } from 'node:crypto';
import { X509Bundle, type X509BundleSource } from './bundle.js';
import { readCertificate } from './certificate.js';
import { PeerError } from './errors.js';
import { JwtBundle } from './jwt-bundle.js';
import type { RevocationList } from './revocation-list.js';

// Per bundle, the last merge with a list's keys (a new array whenever they change), so one
// bundle and one set of revoked keys always give the same object: verified paths and checked
// leaves are remembered per bundle object.
const mergedX509 = new WeakMap<X509Bundle, { keys: readonly Buffer[]; merged: X509Bundle }>();
const mergedJwt = new WeakMap<JwtBundle, { keyIds: ReadonlySet<string>; merged: JwtBundle }>();

/**
 * `bundle` with the X.509 authorities `revocations` revokes added to its
 * revoked authorities, and a revoked root taken out of its roots; `bundle`
 * itself when there is nothing to add (no list, another trust domain, no such
 * entry, all known already). Never throws.
 *
 * @example const bundle = withRevokedAuthorities(source.bundle, source.revocations);
 */
export function withRevokedAuthorities(bundle: X509Bundle, revocations: RevocationList | undefined): X509Bundle {
  if (revocations?.trustDomain !== bundle.trustDomain) return bundle;
  const keys = revocations.revokedX509Authorities;
  if (keys.length === 0) return bundle;
  // Called on every handshake: the merge (or that there is nothing to merge) is worked out once.
  const memo = mergedX509.get(bundle);
  if (memo?.keys === keys) return memo.merged;
  const added = keys.filter((key) => !bundle.revokedAuthorities.some((known) => known.equals(key)));
  const roots = bundle.authorities.filter((root) => !keys.some((key) => key.equals(readCertificate(root).subjectPublicKeyInfo)));
  const merged = added.length === 0 && roots.length === bundle.authorities.length ? bundle
    : new X509Bundle(bundle.trustDomain, roots, bundle.sequenceNumber, { revoked: [...bundle.revokedAuthorities, ...added], tainted: bundle.taintedAuthorities });
  mergedX509.set(bundle, { keys, merged });
  return merged;
}

/**
 * The bundles of `bundles`, each through withRevokedAuthorities; `bundles`
 * itself without a list. Never throws.
 *
 * @example verifyX509Svid(chain, withRevokedAuthoritiesOf(bundles, list));
 */
export function withRevokedAuthoritiesOf(bundles: X509BundleSource, revocations: RevocationList | undefined): X509BundleSource {
  if (!revocations) return bundles;
  return {
    getX509BundleForTrustDomain: (trustDomain) => {
      const bundle = bundles.getX509BundleForTrustDomain(trustDomain);
      return bundle && withRevokedAuthorities(bundle, revocations);
    },
  };
}

/**
 * `bundle` without the JWT keys `revocations` revokes, so a token with such a
 * kid is refused as signed by an unknown key, as when the bundle dropped it;
 * `bundle` itself when there is nothing to drop. Never throws.
 *
 * @example const jwt = withoutRevokedJwtKeys(source.getJwtBundleForTrustDomain(td), source.revocations);
 */
export function withoutRevokedJwtKeys(bundle: JwtBundle, revocations: RevocationList | undefined): JwtBundle {
  // Called for every token validated: nothing is allocated or scanned while the feed revoked no JWT key.
  if (revocations?.trustDomain !== bundle.trustDomain) return bundle;
  const keyIds = revocations.revokedJwtKeyIds;
  if (keyIds.size === 0 || !bundle.entries.some((e) => keyIds.has(e.keyId))) return bundle;
  const memo = mergedJwt.get(bundle);
  if (memo?.keyIds === keyIds) return memo.merged;
  const merged = new JwtBundle(bundle.trustDomain, bundle.entries.filter((e) => !keyIds.has(e.keyId)), bundle.sequenceNumber);
  mergedJwt.set(bundle, { keyIds, merged });
  return merged;
}

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
