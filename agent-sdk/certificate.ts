import { type KeyObject, createPublicKey } from 'node:crypto';
import { DerError, TAG, bytesOf, children, contentOf, decodeOid, expectTlv, readOnly } from './der.js';

/** Object identifiers the X509-SVID profile reads. */
export const OID = {
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecPublicKey: '1.2.840.10045.2.1',
  prime256v1: '1.2.840.10045.3.1.7',
} as const;

/** RFC 5280 4.2.1.3 key usage bits, bit 0 first. */
export const KEY_USAGE = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
} as const;

export interface Extension {
  readonly critical: boolean;
  /** The content of extnValue (the DER inside the OCTET STRING). */
  readonly value: Buffer;
}

/**
 * What the SVID rules need from a certificate, read straight from its DER.
 * Node's X509Certificate is not enough: its `keyUsage` returns the *extended* key
 * usages, and its `subjectAltName` is a string in which a SAN value can forge a
 * second entry.
 */
export interface CertificateFields {
  readonly version: number;
  /** Lowercase hex of the serial number's content bytes. */
  readonly serialHex: string;
  readonly signatureAlgorithm: string;
  readonly issuer: Buffer;
  readonly subject: Buffer;
  readonly notBeforeMs: number;
  readonly notAfterMs: number;
  /** The DER SubjectPublicKeyInfo. */
  readonly subjectPublicKeyInfo: Buffer;
  /** Extensions by OID; a duplicate OID makes the certificate invalid. */
  readonly extensions: ReadonlyMap<string, Extension>;
}

/**
 * Reads the fields of a DER certificate. Checks structure only, not signatures.
 *
 * @throws {DerError} for malformed DER or a structure that is not a certificate.
 * @example readCertificate(der).notAfterMs
 */
export function readCertificate(der: Uint8Array): CertificateFields {
  const cert = readOnly(der, TAG.SEQUENCE);
  const [tbs, sigAlg] = children(der, cert);
  if (!tbs || !sigAlg) throw new DerError('certificate is missing its parts');
  const fields = children(der, expectTlv(der, tbs.start, TAG.SEQUENCE));
  let i = 0;
  let version = 1;
  if (fields[0]?.tag === 0xa0) {
    const v = expectTlv(der, fields[0].contentStart, TAG.INTEGER, fields[0].end);
    version = (der[v.contentStart] ?? 0) + 1;
    i++;
  }
  const [serial, signature, issuer, validity, subject, spki] = fields.slice(i, i + 6);
  if (!serial || !signature || !issuer || !validity || !subject || !spki) throw new DerError('TBSCertificate is missing fields');
  const [notBefore, notAfter] = children(der, validity);
  if (!notBefore || !notAfter) throw new DerError('validity is missing a bound');
  const extensions = new Map<string, Extension>();
  for (const field of fields.slice(i + 6)) {
    if (field.tag !== 0xa3) continue; // issuer/subject unique IDs are ignored
    const list = expectTlv(der, field.contentStart, TAG.SEQUENCE, field.end);
    for (const ext of children(der, list)) {
      const parts = children(der, ext);
      const id = decodeOid(contentOf(der, expectTlv(der, parts[0]?.start ?? ext.end, TAG.OID, ext.end)));
      const critical = parts.length === 3 && parts[1]!.tag === TAG.BOOLEAN && der[parts[1]!.contentStart] !== 0;
      const value = parts[parts.length - 1];
      if (!value || value.tag !== TAG.OCTET_STRING) throw new DerError('extension value is not an OCTET STRING');
      if (extensions.has(id)) throw new DerError(`duplicate extension ${id}`);
      extensions.set(id, { critical, value: contentOf(der, value) });
    }
  }
  return {
    version,
    serialHex: contentOf(der, serial).toString('hex'),
    signatureAlgorithm: decodeOid(contentOf(der, expectTlv(der, signature.contentStart, TAG.OID, signature.end))),
    issuer: bytesOf(der, issuer),
    subject: bytesOf(der, subject),
    notBeforeMs: readTime(notBefore.tag, contentOf(der, notBefore)),
    notAfterMs: readTime(notAfter.tag, contentOf(der, notAfter)),
    subjectPublicKeyInfo: bytesOf(der, spki),
    extensions,
  };
}

function readTime(tag: number, content: Buffer): number {
  const text = content.toString('ascii');
  let full: string;
  if (tag === TAG.UTC_TIME && /^\d{12}Z$/.test(text)) {
    const yy = Number(text.slice(0, 2));
    full = `${yy >= 50 ? 19 : 20}${text}`; // RFC 5280 4.1.2.5.1
  } else if (tag === TAG.GENERALIZED_TIME && /^\d{14}Z$/.test(text)) {
    full = text;
  } else {
    throw new DerError('time is not UTCTime or GeneralizedTime in Zulu form');
  }
  const ms = Date.UTC(+full.slice(0, 4), +full.slice(4, 6) - 1, +full.slice(6, 8), +full.slice(8, 10), +full.slice(10, 12), +full.slice(12, 14));
  if (Number.isNaN(ms)) throw new DerError('time is not a valid date');
  return ms;
}

/**
 * The URI SANs, in order, and how many SAN entries of any kind there are.
 * Returns undefined when the certificate has no SAN extension.
 *
 * @throws {DerError} when the extension is malformed.
 */
export function readSubjectAltNames(fields: CertificateFields): { uris: string[]; count: number } | undefined {
  const ext = fields.extensions.get(OID.subjectAltName);
  if (!ext) return undefined;
  const names = readOnly(ext.value, TAG.SEQUENCE);
  const uris: string[] = [];
  let count = 0;
  for (const name of children(ext.value, names)) {
    count++;
    // GeneralName uniformResourceIdentifier [6] IA5String, implicitly tagged.
    if (name.tag === 0x86) uris.push(contentOf(ext.value, name).toString('latin1'));
  }
  return { uris, count };
}

/**
 * The key usage bits that are set, as bit numbers (see KEY_USAGE); undefined when
 * the certificate has no key usage extension.
 *
 * @throws {DerError} when the extension is malformed.
 */
export function readKeyUsage(fields: CertificateFields): Set<number> | undefined {
  const ext = fields.extensions.get(OID.keyUsage);
  if (!ext) return undefined;
  const bits = readOnly(ext.value, TAG.BIT_STRING);
  const content = contentOf(ext.value, bits);
  const unused = content[0] ?? 0;
  if (unused > 7) throw new DerError('key usage has an invalid unused-bits count');
  const set = new Set<number>();
  const total = (content.length - 1) * 8 - unused;
  for (let bit = 0; bit < total; bit++) {
    if (content[1 + (bit >> 3)]! & (0x80 >> (bit & 7))) set.add(bit);
  }
  return set;
}

/** Basic constraints; undefined when absent (which means not a CA). @throws {DerError} */
export function readBasicConstraints(fields: CertificateFields): { ca: boolean; pathLength?: number } | undefined {
  const ext = fields.extensions.get(OID.basicConstraints);
  if (!ext) return undefined;
  const seq = readOnly(ext.value, TAG.SEQUENCE);
  let ca = false;
  let pathLength: number | undefined;
  for (const part of children(ext.value, seq)) {
    if (part.tag === TAG.BOOLEAN) ca = ext.value[part.contentStart] !== 0;
    else if (part.tag === TAG.INTEGER) pathLength = contentOf(ext.value, part).readUIntBE(0, Math.min(6, part.end - part.contentStart));
  }
  return pathLength === undefined ? { ca } : { ca, pathLength };
}

/** The extended key usage OIDs; undefined when absent. @throws {DerError} */
export function readExtendedKeyUsage(fields: CertificateFields): string[] | undefined {
  const ext = fields.extensions.get(OID.extKeyUsage);
  if (!ext) return undefined;
  const seq = readOnly(ext.value, TAG.SEQUENCE);
  return children(ext.value, seq).map((t) => decodeOid(contentOf(ext.value, expectTlv(ext.value, t.start, TAG.OID, t.end))));
}

/** Whether a DER SubjectPublicKeyInfo holds an EC P-256 key. */
export function isP256PublicKeyInfo(spki: Uint8Array): boolean {
  try {
    const top = readOnly(spki, TAG.SEQUENCE);
    const alg = expectTlv(spki, top.contentStart, TAG.SEQUENCE, top.end);
    const [algOid, curve] = children(spki, alg);
    if (!algOid || !curve || algOid.tag !== TAG.OID || curve.tag !== TAG.OID) return false;
    return decodeOid(contentOf(spki, algOid)) === OID.ecPublicKey && decodeOid(contentOf(spki, curve)) === OID.prime256v1;
  } catch {
    return false;
  }
}

/**
 * The DER of a P-256 SubjectPublicKeyInfo with an uncompressed point, up to the
 * point's 64 coordinate bytes: SEQUENCE { SEQUENCE { ecPublicKey, prime256v1 }, BIT STRING 04 || X || Y }.
 */
export const P256_SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d03010703420004', 'hex');

/** A P-256 public key's coordinates, as a JWK. */
export interface P256Jwk {
  readonly kty: 'EC';
  readonly crv: 'P-256';
  readonly x: string;
  readonly y: string;
}

/**
 * The JWK of a P-256 SubjectPublicKeyInfo with an uncompressed point; undefined for
 * any other key. Imported as a JWK, a key skips OpenSSL 3.0's DER decoder (Node 20),
 * which costs more than the signature check itself; OpenSSL still refuses a point
 * that is not on the curve.
 */
export function p256JwkOf(spki: Buffer): P256Jwk | undefined {
  const at = P256_SPKI_PREFIX.length;
  if (spki.length !== at + 64 || !spki.subarray(0, at).equals(P256_SPKI_PREFIX)) return undefined;
  return { kty: 'EC', crv: 'P-256', x: spki.toString('base64url', at, at + 32), y: spki.toString('base64url', at + 32, at + 64) };
}

/**
 * The DER SubjectPublicKeyInfo of a key (private or public). A P-256 key is put
 * together from its JWK coordinates: OpenSSL 3.0's DER encoder (Node 20) costs
 * about 200 µs, three times the key's generation; any other key takes that path.
 * On Node 20, a key straight from `generateKeyPairSync` can hang the JWK export:
 * make keys with `generateP256Key`.
 *
 * @example const spki = subjectPublicKeyInfoOf(privateKey);
 */
export function subjectPublicKeyInfoOf(key: KeyObject): Buffer {
  const jwk = key.asymmetricKeyType === 'ec' ? key.export({ format: 'jwk' }) : undefined;
  if (jwk?.crv === 'P-256' && jwk.x && jwk.y) {
    return Buffer.concat([P256_SPKI_PREFIX, Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url')]);
  }
  return (key.type === 'public' ? key : createPublicKey(key)).export({ format: 'der', type: 'spki' });
}
