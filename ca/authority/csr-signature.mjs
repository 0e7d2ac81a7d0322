// @ts-check
/**
 * The CSR's signature check: import the key, verify ECDSA P-256 with SHA-256.
 * It is the largest cost of issuing an SVID, so the CA runs it in worker threads
 * (csr-checker.ts, csr-worker.mjs). Plain JavaScript, so that a worker runs the
 * same file from the TypeScript sources (tests) and from dist/; csr.ts parses
 * the CSR into a job and imports the types.
 */
import { createPublicKey, verify } from 'node:crypto';

/**
 * @typedef {object} SignatureJob
 * @property {{ format: 'jwk', key: { kty: 'EC', crv: 'P-256', x: string, y: string } } | { format: 'der', at: [number, number] }} key
 *   The public key: a JWK, or where its DER SubjectPublicKeyInfo lies in `bytes`.
 * @property {Uint8Array} bytes The whole CSR.
 * @property {[number, number]} signed Where the signed bytes (the CertificationRequestInfo) lie in `bytes`.
 * @property {[number, number]} signature Where the DER ECDSA signature lies in `bytes`.
 */

/** @typedef {'valid' | 'invalid' | 'malformed'} SignatureVerdict 'malformed' when the key cannot be imported. */

/**
 * @param {SignatureJob} job
 * @returns {SignatureVerdict}
 */
export function checkSignature({ key, bytes, signed, signature }) {
  let publicKey;
  try {
    publicKey = key.format === 'jwk'
      ? createPublicKey({ key: key.key, format: 'jwk' })
      : createPublicKey({ key: Buffer.from(bytes.buffer, bytes.byteOffset + key.at[0], key.at[1] - key.at[0]), format: 'der', type: 'spki' });
  } catch {
    return 'malformed';
  }
  const view = (/** @type {[number, number]} */ [from, to]) => bytes.subarray(from, to);
  return verify('sha256', view(signed), { key: publicKey, dsaEncoding: 'der' }, view(signature)) ? 'valid' : 'invalid';
}
