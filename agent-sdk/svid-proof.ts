/**
 * Proof of possession of an SVID's key inside a request, for calls to the CA
 * over the server-authenticated channel an agent keeps (no client certificate,
 * no new handshake): a signature by the SVID's key over a purpose, the SVID,
 * the request's payload and the time of signing. The purpose keeps these
 * signatures apart from each other and from every other signature the key makes
 * (TLS, delegation records); the payload (a renewal's CSR) means a captured
 * proof works only for what its signer asked. Why a time and not a CA nonce:
 * docs/decisions.md, "Renewal over a kept channel".
 */
import { createHash, sign } from 'node:crypto';
import { TesseraError } from './errors.js';
import type { SvidProof } from './gen/tessera/v1/SvidProof.js';
import type { X509Svid } from './svid.js';

/** What a proof is for; each is its own signing label. */
export const PROOF_PURPOSES = { renewal: 'tessera-renewal-v1', revocationWatch: 'tessera-revocation-watch-v1' } as const;
export type ProofPurpose = keyof typeof PROOF_PURPOSES;

/** What the signature covers. */
export interface ProofClaim {
  /** The DER leaf certificate of the SVID. */
  readonly svid: Uint8Array;
  /** What the request asks for: a renewal's CSR; empty for a revocation watch. */
  readonly payload: Uint8Array;
  /** When it was signed, in milliseconds since the Unix epoch. */
  readonly signedAtMs: number;
}

/**
 * The bytes an SVID key signs: the purpose's label, 0x00, SHA-256 of the SVID,
 * SHA-256 of the payload, and the signing time as an unsigned 64-bit big-endian integer.
 *
 * @throws {TesseraError} ERR_VALUE_OUT_OF_RANGE when signedAtMs is not a whole, non-negative, safe number.
 * @example crypto.verify('sha256', proofSigningBytes('renewal', claim), { key, dsaEncoding: 'der' }, signature)
 */
export function proofSigningBytes(purpose: ProofPurpose, claim: ProofClaim): Buffer {
  if (!Number.isSafeInteger(claim.signedAtMs) || claim.signedAtMs < 0) {
    throw new TesseraError('ERR_VALUE_OUT_OF_RANGE', `signedAtMs must be a whole number between 0 and ${Number.MAX_SAFE_INTEGER}`);
  }
  const time = Buffer.alloc(8);
  time.writeBigUInt64BE(BigInt(claim.signedAtMs));
  const digest = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest();
  return Buffer.concat([Buffer.from(`${PROOF_PURPOSES[purpose]}\0`, 'latin1'), digest(claim.svid), digest(claim.payload), time]);
}

/**
 * A proof, as it goes on the wire, that the holder of `svid` asks for `payload` now.
 *
 * @throws {TesseraError} ERR_VALUE_OUT_OF_RANGE as proofSigningBytes.
 * @example const proof = proveSvid(source.getX509Svid(), 'renewal', csr, Date.now());
 */
export function proveSvid(svid: X509Svid, purpose: ProofPurpose, payload: Uint8Array, signedAtMs: number): SvidProof {
  const leaf = svid.certificates[0]!;
  const signature = sign('sha256', proofSigningBytes(purpose, { svid: leaf, payload, signedAtMs }), { key: svid.privateKey, dsaEncoding: 'der' });
  return { svid: leaf, signedAtMs, signature };
}
