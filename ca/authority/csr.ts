import { type KeyObject, createPublicKey, verify } from 'node:crypto';
import { TesseraError } from '../../agent-sdk/errors.js';
import { DerError, TAG, bytesOf, children, contentOf, decodeOid, expectTlv, readOnly } from '../../agent-sdk/der.js';
import { OID, isP256PublicKeyInfo } from '../../agent-sdk/certificate.js';

/** A CSR is a signature over a public key; anything larger is not one of ours. */
export const MAX_CSR_BYTES = 4096;

/** The only part of a CSR the CA uses. */
export interface CsrKey {
  /** The DER SubjectPublicKeyInfo, copied into the certificate as is. */
  readonly subjectPublicKeyInfo: Buffer;
  readonly publicKey: KeyObject;
}

/**
 * Checks a DER PKCS#10 request (RFC 2986): well-formed, an ECDSA P-256 key,
 * ecdsa-with-SHA256, and a signature that verifies with that key. Returns only
 * the public key: the subject, SANs, extensions and attributes are never read,
 * because the identity comes from the ticket or the caller's SVID.
 *
 * @throws {TesseraError} ERR_CSR_INVALID, with a message that does not echo the input.
 * @example const { subjectPublicKeyInfo } = readCsrKey(csrDer);
 */
export function readCsrKey(der: Uint8Array): CsrKey {
  if (der.length === 0) throw new TesseraError('ERR_CSR_INVALID', 'CSR is empty');
  if (der.length > MAX_CSR_BYTES) throw new TesseraError('ERR_CSR_INVALID', `CSR is larger than ${MAX_CSR_BYTES} bytes`);
  try {
    const top = readOnly(der, TAG.SEQUENCE);
    const [info, alg, signature] = children(der, top);
    if (!info || !alg || !signature || info.tag !== TAG.SEQUENCE || signature.tag !== TAG.BIT_STRING) {
      throw new DerError('not a CertificationRequest');
    }
    const algId = decodeOid(contentOf(der, expectTlv(der, alg.contentStart, TAG.OID, alg.end)));
    if (algId !== OID.ecdsaWithSha256) throw new TesseraError('ERR_CSR_INVALID', 'CSR must be signed with ecdsa-with-SHA256');
    const [version, , spki] = children(der, info);
    if (!version || version.tag !== TAG.INTEGER || !spki || spki.tag !== TAG.SEQUENCE) throw new DerError('not a CertificationRequestInfo');
    const subjectPublicKeyInfo = Buffer.from(bytesOf(der, spki));
    if (!isP256PublicKeyInfo(subjectPublicKeyInfo)) throw new TesseraError('ERR_CSR_INVALID', 'CSR key must be ECDSA P-256');
    const publicKey = createPublicKey({ key: subjectPublicKeyInfo, format: 'der', type: 'spki' });
    const bits = contentOf(der, signature);
    if (bits[0] !== 0) throw new DerError('signature has unused bits');
    if (!verify('sha256', bytesOf(der, info), { key: publicKey, dsaEncoding: 'der' }, bits.subarray(1))) {
      throw new TesseraError('ERR_CSR_INVALID', 'CSR signature does not verify with its key');
    }
    return { subjectPublicKeyInfo, publicKey };
  } catch (err) {
    if (err instanceof TesseraError) throw err;
    // DerError or a key the crypto library refuses: both mean a malformed CSR.
    throw new TesseraError('ERR_CSR_INVALID', 'CSR is not a well-formed PKCS#10 request', { cause: err });
  }
}
