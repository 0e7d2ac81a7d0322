import { TesseraError } from '../../agent-sdk/errors.js';
import {
  KEY_USAGE, OID, readBasicConstraints, readCertificate, readExtendedKeyUsage, readKeyUsage, readSubjectAltNames,
} from '../../agent-sdk/certificate.js';
import { LINEAGE_OID } from '../../agent-sdk/lineage.js';

/** What an issued leaf must match, from the request that caused it. */
export interface LeafExpectation {
  readonly spiffeId: string;
  readonly subjectPublicKeyInfo: Buffer;
  readonly notAfterMs: number;
  readonly issuerSubject: Buffer;
  readonly issuerNotAfterMs: number;
  /** The delegation lineage the leaf must carry (DER), or none. */
  readonly lineage?: Buffer;
}

/**
 * Re-checks a certificate the CA just built against the X509-SVID profile and the
 * request, reading it back from its DER as any verifier would. A certificate that
 * fails never leaves the CA: this catches a template bug before a client does.
 * The signature is not re-verified per leaf: a wrong signing key is refused once,
 * when the keys are loaded (keys.ts), and a bad signature fails closed at every
 * verifier; a second ECDSA verify per SVID would cost a quarter of issuance.
 *
 * @throws {TesseraError} ERR_INTERNAL naming the rule that failed.
 */
export function validateLeaf(der: Buffer, want: LeafExpectation): void {
  const fail = (rule: string): never => {
    throw new TesseraError('ERR_INTERNAL', `issued certificate failed the profile check: ${rule}`);
  };
  const cert = readCertificate(der);
  if (cert.version !== 3) fail('version');
  // RFC 5280 4.1.2.2 positive; DESIGN.md at least 128 random bits.
  if (cert.serialHex.length < 34 || Number.parseInt(cert.serialHex.slice(0, 2), 16) >= 0x80) fail('serial');
  if (cert.signatureAlgorithm !== OID.ecdsaWithSha256) fail('signature algorithm');
  if (!cert.issuer.equals(want.issuerSubject)) fail('issuer');
  if (!cert.subjectPublicKeyInfo.equals(want.subjectPublicKeyInfo)) fail('public key');
  if (cert.notAfterMs !== Math.floor(want.notAfterMs / 1000) * 1000) fail('notAfter');
  if (cert.notAfterMs > want.issuerNotAfterMs || cert.notBeforeMs >= cert.notAfterMs) fail('validity');
  const sans = readSubjectAltNames(cert);
  // X509-SVID 2: exactly one URI SAN, the SPIFFE ID, and no other name.
  if (!sans || sans.count !== 1 || sans.uris.length !== 1 || sans.uris[0] !== want.spiffeId) fail('URI SAN');
  const constraints = readBasicConstraints(cert);
  if (!constraints || constraints.ca || !cert.extensions.get(OID.basicConstraints)?.critical) fail('basic constraints');
  const usage = readKeyUsage(cert);
  if (!usage || usage.size !== 1 || !usage.has(KEY_USAGE.digitalSignature) || !cert.extensions.get(OID.keyUsage)?.critical) {
    fail('key usage');
  }
  const eku = readExtendedKeyUsage(cert);
  if (!eku || eku.length !== 2 || !eku.includes(OID.serverAuth) || !eku.includes(OID.clientAuth)) fail('extended key usage');
  const lineage = cert.extensions.get(LINEAGE_OID);
  if (want.lineage ? !lineage || lineage.critical || !lineage.value.equals(want.lineage) : lineage) fail('lineage');
}
