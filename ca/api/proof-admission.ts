/**
 * Callers that prove their SVID in the request (an SvidProof, agent-sdk/svid-proof.ts)
 * instead of presenting it in a TLS handshake: the methods whose METHOD_RULES
 * caller is 'proof', served on the public listener. What the TLS layer and
 * authorizeCall do for an mTLS caller is done here, with the signature in place
 * of the handshake's CertificateVerify; that the certificate is one this CA
 * issued is settled against the identity's record (assertNewestSvid), not by a chain.
 */
import { PeerError, TesseraError } from '../../agent-sdk/errors.js';
import type { SvidProof__Output } from '../../agent-sdk/gen/tessera/v1/SvidProof.js';
import { type ProofPurpose, proofSigningBytes } from '../../agent-sdk/svid-proof.js';
import { describeId } from '../../agent-sdk/tessera-id.js';
import { readX509SvidLeaf } from '../../agent-sdk/verify.js';
import { signatureJobOf } from '../authority/csr.js';
import { checkSignature } from '../authority/csr-signature.mjs';
import { certificateDigest } from '../issuance/issue.js';
import { METHOD_RULES, type Peer } from './authz.js';
import { type HandlerDeps, checkPresentedSvid, limitProvenCaller } from './handler.js';

/**
 * How far a proof's signing time may be from the CA's clock, either way. It is
 * not what stops a replay (the newest-SVID rule does, in the transaction that
 * renews), it bounds how long a proof that was never sent stays good, and it is
 * wide enough for hosts kept in step by NTP. Beyond it the SDK uses mutual TLS,
 * which depends on no clock but the certificates'.
 */
export const PROOF_WINDOW_MS = 60_000;

/** A caller its SvidProof authenticated: what an mTLS handshake would have given, and its certificate's digest. */
export interface ProvenPeer extends Peer {
  /** certificateDigest of the proved certificate: the identity's newest, checked by assertNewestSvid. */
  readonly certificateSha256: string;
}

/**
 * Checks the SvidProof of a call to `path` (admitted by admitCall) for `purpose`
 * and `payload`: the signing time within PROOF_WINDOW_MS, an unexpired agent or
 * orchestrator SVID of this trust domain, the checks made of mTLS callers
 * (revocation list, revoked signing authority), the signature with the SVID's
 * key, and the method's rate limit per proven SPIFFE ID. `alongside` runs once the cheap checks
 * passed, in the same turn as the signature's check is asked for. A refusal is audited;
 * until the signature holds the SVID's ID is only a claim, so the record names no caller.
 * The caller must still hold the identity's newest SVID: see assertNewestSvid.
 *
 * @throws {TesseraError} ERR_SVID_PROOF_UNUSABLE (the time), ERR_SVID_PROOF_INVALID (no proof, or the
 * signature), ERR_SVID_INVALID, ERR_SVID_EXPIRED, ERR_PEER_UNAUTHENTICATED, ERR_PEER_UNAUTHORIZED,
 * ERR_REVOKED, ERR_RATE_LIMITED.
 */
export async function admitProvenCaller(
  deps: HandlerDeps, path: string, proof: SvidProof__Output | null, purpose: ProofPurpose, payload: Uint8Array, alongside?: () => void,
): Promise<ProvenPeer> {
  const rule = METHOD_RULES[path]!;
  let peer: ProvenPeer;
  try {
    peer = await checkProof(deps, proof, purpose, payload, alongside);
  } catch (err) {
    if (err instanceof TesseraError) await deps.journal.record({ operation: rule.operation }, 'denied', err.code);
    throw err;
  }
  if (rule.rateLimit) await limitProvenCaller(deps, rule.rateLimit, rule.operation, peer.id);
  return peer;
}

async function checkProof(
  deps: HandlerDeps, proof: SvidProof__Output | null, purpose: ProofPurpose, payload: Uint8Array, alongside?: () => void,
): Promise<ProvenPeer> {
  if (!proof) throw new TesseraError('ERR_SVID_PROOF_INVALID', 'the request carries no SVID proof');
  const now = deps.clock.now();
  if (!(Math.abs(proof.signedAtMs - now) <= PROOF_WINDOW_MS)) {
    throw new TesseraError('ERR_SVID_PROOF_UNUSABLE', `the proof's signing time is more than ${PROOF_WINDOW_MS / 1000} s from the CA's clock`);
  }
  const leaf = Buffer.from(proof.svid);
  const { id, fields } = readX509SvidLeaf(leaf, now);
  if (!id.memberOf(deps.trustDomain)) throw new PeerError('ERR_PEER_UNAUTHENTICATED', 'the SVID is from another trust domain');
  const kind = describeId(id)?.kind;
  if (kind !== 'agent' && kind !== 'orchestrator') throw new PeerError('ERR_PEER_UNAUTHORIZED', 'only an agent or orchestrator SVID proves a caller');
  const peer = { id, serialHex: fields.serialHex, leaf, fields };
  checkPresentedSvid(deps, peer);
  const signed = proofSigningBytes(purpose, { svid: leaf, payload, signedAtMs: proof.signedAtMs });
  const job = signatureJobOf(signed, proof.signature, fields.subjectPublicKeyInfo);
  // In a CSR worker when the CA has them, in the same message as what `alongside` asks of it (a renewal's CSR).
  alongside?.();
  const verdict = deps.signatures ? await deps.signatures.verifySignature(job) : checkSignature(job);
  // 'malformed': a key OpenSSL will not import or a signature that is not DER; nothing was proved.
  if (verdict !== 'valid') throw new TesseraError('ERR_SVID_PROOF_INVALID', 'the proof does not verify with the SVID key');
  return { ...peer, certificateSha256: certificateDigest(leaf) };
}
