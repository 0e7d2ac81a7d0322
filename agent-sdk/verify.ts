import type { X509Certificate } from 'node:crypto';
import type { X509BundleSource } from './bundle.js';
import { KEY_USAGE, readBasicConstraints, readCertificate, readKeyUsage, readSubjectAltNames, type CertificateFields } from './certificate.js';
import { verifyCertificateChain } from './chain.js';
import { SvidError } from './errors.js';
import { revocationsOf } from './revocation-list.js';
import { checkPathAuthorities, withRevokedAuthorities } from './revoked-authority.js';
import { SpiffeId } from './spiffe-id.js';

/** What a successful X509-SVID verification proves. */
export interface VerifiedX509Svid {
  /** The SPIFFE ID in the leaf's single URI SAN. */
  readonly id: SpiffeId;
  /** The path that verified, leaf first, ending at a root of the leaf's own trust domain. */
  readonly verifiedChain: X509Certificate[];
}

/**
 * Verifies a certificate chain as an X509-SVID: the leaf follows the X509-SVID
 * rules, and the chain leads to a root in the bundle of the leaf's OWN trust
 * domain (read from the leaf first; no other bundle is ever tried). Synchronous.
 *
 * @param chain DER certificates, the leaf first, then intermediates.
 * @param bundles Where to find the bundle of the leaf's trust domain.
 * @param options.nowMs The time to check validity at; default `Date.now()`.
 * @throws {SvidError} `ERR_SVID_INVALID` when the leaf breaks an X509-SVID rule or
 *   the chain does not verify; `ERR_SVID_EXPIRED` when a certificate on the path has
 *   expired; `ERR_BUNDLE_INVALID` when there is no usable bundle for the leaf's
 *   trust domain; {PeerError} `ERR_REVOKED` when the path goes through an
 *   authority the bundle lists as revoked, or the revocation list `bundles`
 *   carries (an X509Source's) revokes.
 * @example
 * const { id } = verifyX509Svid(peerChain, source);
 * if (!id.memberOf('tessera.local')) ...
 */
export function verifyX509Svid(chain: readonly Uint8Array[], bundles: X509BundleSource, options: { nowMs?: number } = {}): VerifiedX509Svid {
  const nowMs = options.nowMs ?? Date.now();
  const leafDer = chain[0];
  if (!leafDer) throw new SvidError('ERR_SVID_INVALID', 'certificate chain is empty');
  const id = checkLeafRules(readLeaf(leafDer));
  const found = bundles.getX509BundleForTrustDomain(id.trustDomain);
  if (!found) throw new SvidError('ERR_BUNDLE_INVALID', `no bundle for trust domain "${id.trustDomain}"`);
  const bundle = withRevokedAuthorities(found, revocationsOf(bundles));
  const verifiedChain = verifyCertificateChain(chain, bundle.certificates, nowMs);
  checkPathAuthorities(bundle, verifiedChain);
  return { id, verifiedChain };
}

/**
 * Reads the SPIFFE ID of an X509-SVID leaf from its subject alternative name
 * extension, parsed from the DER (never from Node's `subjectAltName` string, in
 * which a SAN value can forge a second entry). Checks nothing else: the result is
 * not authenticated until the chain is verified.
 *
 * @throws {SvidError} `ERR_SVID_INVALID` when the certificate is malformed or does
 *   not hold exactly one URI SAN that is a SPIFFE ID in canonical form.
 * @example spiffeIdFromCertificate(svid.certificates[0]!).toString()
 */
export function spiffeIdFromCertificate(der: Uint8Array): SpiffeId {
  return idFromFields(readLeaf(der));
}

/**
 * Checks a leaf on its own: the X509-SVID rules and its validity at `nowMs`, but
 * NOT its chain. Only for callers whose TLS stack already verified the chain
 * against the bundle roots of exactly one trust domain and hands out only the
 * leaf (grpc-js); they must also check that the ID is in that trust domain.
 *
 * @throws {SvidError} `ERR_SVID_INVALID` or `ERR_SVID_EXPIRED`.
 * @example const id = checkX509SvidLeaf(peerLeafDer, Date.now());
 */
export function checkX509SvidLeaf(der: Uint8Array, nowMs: number): SpiffeId {
  return readX509SvidLeaf(der, nowMs).id;
}

/**
 * checkX509SvidLeaf, also returning the leaf's fields, so a caller that needs
 * more of the certificate (its serial, its expiry) does not parse it again.
 *
 * @throws {SvidError} `ERR_SVID_INVALID` or `ERR_SVID_EXPIRED`.
 * @example const { id, fields } = readX509SvidLeaf(peerLeafDer, Date.now());
 */
export function readX509SvidLeaf(der: Uint8Array, nowMs: number): { id: SpiffeId; fields: CertificateFields } {
  const fields = readLeaf(der);
  const id = checkLeafRules(fields);
  // RFC 5280 4.1.2.5: both bounds are inclusive.
  if (nowMs < fields.notBeforeMs) throw new SvidError('ERR_SVID_INVALID', 'leaf certificate is not yet valid');
  if (nowMs > fields.notAfterMs) throw new SvidError('ERR_SVID_EXPIRED', 'leaf certificate has expired');
  return { id, fields };
}

function readLeaf(der: Uint8Array): CertificateFields {
  try {
    return readCertificate(der);
  } catch {
    throw new SvidError('ERR_SVID_INVALID', 'leaf certificate is not a well-formed DER certificate');
  }
}

function idFromFields(fields: CertificateFields): SpiffeId {
  let sans: ReturnType<typeof readSubjectAltNames>;
  try {
    sans = readSubjectAltNames(fields);
  } catch {
    throw new SvidError('ERR_SVID_INVALID', 'leaf certificate has a malformed subject alternative name extension');
  }
  // X509-SVID 2: exactly one URI SAN, and it is the SPIFFE ID. Other SAN types are
  // allowed; a second URI is not, because which one is "the" identity would be a guess.
  if (!sans || sans.uris.length === 0) throw new SvidError('ERR_SVID_INVALID', 'leaf certificate has no URI SAN');
  if (sans.uris.length > 1) throw new SvidError('ERR_SVID_INVALID', 'leaf certificate has more than one URI SAN');
  try {
    return SpiffeId.parse(sans.uris[0]!);
  } catch {
    // The raw value is attacker-chosen: keep it out of the message.
    throw new SvidError('ERR_SVID_INVALID', 'leaf certificate URI SAN is not a valid SPIFFE ID');
  }
}

/** X509-SVID 4.3 and 4.3.x: what makes a certificate usable as a leaf SVID. */
function checkLeafRules(fields: CertificateFields): SpiffeId {
  const id = idFromFields(fields);
  let ca: boolean | undefined;
  let usage: Set<number> | undefined;
  try {
    ca = readBasicConstraints(fields)?.ca;
    usage = readKeyUsage(fields);
  } catch {
    throw new SvidError('ERR_SVID_INVALID', 'leaf certificate has a malformed basicConstraints or keyUsage extension');
  }
  // X509-SVID 4.1: a leaf must set cA=false (an absent extension means the same).
  if (ca === true) throw new SvidError('ERR_SVID_INVALID', 'leaf certificate is a CA');
  // X509-SVID 4.3: digitalSignature is required; keyCertSign and cRLSign are forbidden.
  if (!usage?.has(KEY_USAGE.digitalSignature)) throw new SvidError('ERR_SVID_INVALID', 'leaf certificate lacks the digitalSignature key usage');
  if (usage.has(KEY_USAGE.keyCertSign)) throw new SvidError('ERR_SVID_INVALID', 'leaf certificate asserts keyCertSign');
  if (usage.has(KEY_USAGE.cRLSign)) throw new SvidError('ERR_SVID_INVALID', 'leaf certificate asserts cRLSign');
  return id;
}
