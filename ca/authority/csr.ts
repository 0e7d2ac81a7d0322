import { TesseraError } from '../../agent-sdk/errors.js';
import { DerError, TAG, bytesOf, children, contentOf, decodeOid, readOnly } from '../../agent-sdk/der.js';
import { OID, isP256PublicKeyInfo, p256JwkOf } from '../../agent-sdk/certificate.js';
import { type SignatureJob, type SignatureVerdict, checkSignature } from './csr-signature.mjs';

/** A CSR is a signature over a public key (about 200 bytes); the default of config `limits.maxCsrBytes`. */
export const MAX_CSR_BYTES = 4096;

/** The only part of a CSR the CA uses. */
export interface CsrKey {
  /** The DER SubjectPublicKeyInfo, copied into the certificate as is. */
  readonly subjectPublicKeyInfo: Buffer;
}

/** A CSR whose structure passed, with what its signature check needs (see csr-signature.mjs). */
export interface ParsedCsr extends CsrKey {
  readonly signature: SignatureJob;
}

/**
 * Checks a DER PKCS#10 request (RFC 2986): well-formed, an ECDSA P-256 key,
 * ecdsa-with-SHA256, and a signature that verifies with that key. Returns only
 * the public key: the subject, SANs, extensions and attributes are never read,
 * because the identity comes from the ticket or the caller's SVID. The CA checks
 * signatures off its main thread with CsrChecker; this runs both steps here.
 *
 * @throws {TesseraError} ERR_CSR_INVALID, with a message that does not echo the input;
 *   ERR_LIMIT_EXCEEDED when it is larger than `maxBytes` (before any parsing).
 * @example const { subjectPublicKeyInfo } = readCsrKey(csrDer, config.limits.maxCsrBytes);
 */
export function readCsrKey(der: Uint8Array, maxBytes = MAX_CSR_BYTES): CsrKey {
  const { subjectPublicKeyInfo, signature } = parseCsr(der, maxBytes);
  assertCsrSignature(checkSignature(signature));
  return { subjectPublicKeyInfo };
}

/**
 * The structural half of readCsrKey: everything but the signature, which
 * `signature` describes for checkSignature (csr-signature.mjs).
 *
 * @throws {TesseraError} as readCsrKey, except for the signature.
 */
export function parseCsr(der: Uint8Array, maxBytes = MAX_CSR_BYTES): ParsedCsr {
  if (der.length === 0) throw new TesseraError('ERR_CSR_INVALID', 'CSR is empty');
  if (der.length > maxBytes) throw new TesseraError('ERR_LIMIT_EXCEEDED', `CSR is larger than ${maxBytes} bytes (limits.maxCsrBytes)`);
  try {
    const top = readOnly(der, TAG.SEQUENCE);
    const parts = children(der, top);
    const [info, alg, signature] = parts;
    if (parts.length !== 3 || info!.tag !== TAG.SEQUENCE || alg!.tag !== TAG.SEQUENCE || signature!.tag !== TAG.BIT_STRING) {
      throw new DerError('not a CertificationRequest');
    }
    // The algorithm identifier is outside the signed bytes, so it is held to its
    // one exact form: ecdsa-with-SHA256 with no parameters (RFC 5758 3.2).
    const algParts = children(der, alg!);
    if (algParts.length !== 1 || algParts[0]!.tag !== TAG.OID || decodeOid(contentOf(der, algParts[0]!)) !== OID.ecdsaWithSha256) {
      throw new TesseraError('ERR_CSR_INVALID', 'CSR must be signed with ecdsa-with-SHA256');
    }
    const [version, , spki] = children(der, info!);
    if (!version || version.tag !== TAG.INTEGER || !spki || spki.tag !== TAG.SEQUENCE) throw new DerError('not a CertificationRequestInfo');
    const subjectPublicKeyInfo = Buffer.from(bytesOf(der, spki));
    if (!isP256PublicKeyInfo(subjectPublicKeyInfo)) throw new TesseraError('ERR_CSR_INVALID', 'CSR key must be ECDSA P-256');
    if (der[signature!.contentStart] !== 0) throw new DerError('signature has unused bits');
    // One copy of the CSR that the job owns: a view would carry its whole backing buffer to a worker.
    const bytes = Uint8Array.from(der);
    return {
      subjectPublicKeyInfo,
      signature: {
        key: keyInputOf(subjectPublicKeyInfo, spki.start),
        bytes,
        signed: [info!.start, info!.end],
        signature: [signature!.contentStart + 1, signature!.end],
      },
    };
  } catch (err) {
    if (err instanceof TesseraError) throw err;
    throw malformed(err);
  }
}

/**
 * Turns checkSignature's verdict into the CSR's errors.
 *
 * @throws {TesseraError} ERR_CSR_INVALID unless the verdict is 'valid'.
 */
export function assertCsrSignature(verdict: SignatureVerdict): void {
  if (verdict === 'malformed') throw malformed(undefined);
  if (verdict === 'invalid') throw new TesseraError('ERR_CSR_INVALID', 'CSR signature does not verify with its key');
}

function malformed(cause: unknown): TesseraError {
  // A DER error or a key the crypto library refuses: both mean a malformed CSR.
  return new TesseraError('ERR_CSR_INVALID', 'CSR is not a well-formed PKCS#10 request', cause === undefined ? undefined : { cause });
}

/**
 * A signature check other than a CSR's (a renewal proof's) as a job for
 * checkSignature: the signed bytes, the DER ECDSA signature and the signer's
 * DER SubjectPublicKeyInfo, copied into one buffer of their own.
 *
 * @example await csrs.verifySignature(signatureJobOf(signed, proof.signature, fields.subjectPublicKeyInfo))
 */
export function signatureJobOf(signed: Uint8Array, signature: Uint8Array, subjectPublicKeyInfo: Buffer): SignatureJob {
  const keyAt = signed.length + signature.length;
  // Its own exact buffer: a pooled one would carry its whole slab to a worker.
  const bytes = new Uint8Array(keyAt + subjectPublicKeyInfo.length);
  bytes.set(signed);
  bytes.set(signature, signed.length);
  bytes.set(subjectPublicKeyInfo, keyAt);
  return { key: keyInputOf(subjectPublicKeyInfo, keyAt), bytes, signed: [0, signed.length], signature: [signed.length, keyAt] };
}

/**
 * How to import the CSR's public key: as a JWK when it is P-256 with an
 * uncompressed point (p256JwkOf says why), otherwise from its DER at `at`.
 */
function keyInputOf(spki: Buffer, at: number): SignatureJob['key'] {
  const jwk = p256JwkOf(spki);
  if (jwk) return { format: 'jwk', key: jwk };
  return { format: 'der', at: [at, at + spki.length] };
}
