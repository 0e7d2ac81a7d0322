/**
 * Offline verification of the audit log: the hash chain, and every signed
 * checkpoint against the trust bundle's roots. Records and checkpoints are
 * streamed side by side in sequence order, so memory stays constant.
 */
import * as crypto from 'node:crypto';
import { X509Bundle } from '../../agent-sdk/bundle.js';
import type { SpiffeId } from '../../agent-sdk/spiffe-id.js';
import { verifyX509Svid } from '../../agent-sdk/verify.js';
import type { Store } from '../store/store.js';
import {
  AUDIT_PREFIX, CHECKPOINT_PREFIX, GENESIS_HASH, auditKey, checkpointKey, checkpointSigningBytes, hashRecord, parseCheckpoint,
  parseRecord, parseSequenceKey, prefixRange, type AuditRecord, type Checkpoint,
} from './record.js';
import { readSeals } from './seal.js';

/** Why verification failed; stable, for tools and tests to branch on. */
export type AuditFailureReason =
  | 'malformed_record'
  | 'sequence_gap'
  | 'prev_hash_mismatch'
  | 'hash_mismatch'
  | 'malformed_checkpoint'
  | 'checkpoint_signer_untrusted'
  | 'checkpoint_signature_invalid'
  | 'checkpoint_hash_mismatch'
  | 'truncated_below_checkpoint';

export interface AuditVerification {
  ok: boolean;
  /** Records (and checkpoints) that verified before the first failure. */
  records: number;
  checkpoints: number;
  /** The first record that does not fit (for a checkpoint failure: its seq). */
  firstBadSequence?: number;
  reason?: AuditFailureReason;
  /** Breaks an operator sealed that verification stepped over. */
  sealed?: number;
  /** When ok: the last record verified (or `after`), where a later verification may resume. */
  head?: { seq: number; hash: string };
}

class AuditFailure {
  constructor(readonly seq: number, readonly reason: AuditFailureReason) {}
}

/** Who must have signed the checkpoints: by default a CA certificate (the CA's own log). */
export interface AuditVerifyParams {
  roots: crypto.X509Certificate[];
  /**
   * For a log a service keeps with its SVID (the gateway's): checkpoints must be
   * signed by an X509-SVID of exactly this ID, valid at the checkpoint's time,
   * chaining to `roots`, instead of by a CA certificate.
   */
  signerId?: SpiffeId;
  /** A head verified before: only what follows it is checked. */
  after?: { seq: number; hash: string };
}

/**
 * Verifies the audit log in `store`: sequence numbers without a gap, each
 * prevHash equal to the previous hash, each hash recomputed, each checkpoint
 * signed by a CA certificate chaining to one of `roots` (or by the X509-SVID
 * `signerId`), valid at the checkpoint's time, over a head that is present in
 * the log. A break an operator sealed (ca/audit/seal.ts) is stepped over: the
 * chain goes on from the head the seal signed, and `sealed` counts it. With
 * `after` (a head verified before, the CA's signed mark), only what follows it
 * is checked. Never throws for a bad log (only if the store itself fails);
 * names the first bad record.
 *
 * @example
 * const result = await verifyAudit(store, { roots: bundle.roots });
 * if (!result.ok) console.error(`audit broken at ${result.firstBadSequence}: ${result.reason}`);
 */
export async function verifyAudit(store: Store, params: AuditVerifyParams): Promise<AuditVerification> {
  const { roots, after } = params;
  const seals = await readSeals(store, roots);
  const start = after?.seq ?? 0;
  const checkpoints = store.entries({ ...prefixRange(CHECKPOINT_PREFIX), gte: checkpointKey(start + 1) })[Symbol.asyncIterator]();
  let nextCheckpoint = await checkpoints.next();
  let records = 0;
  let verifiedCheckpoints = 0;
  let sealed = 0;
  let expected = start + 1;
  let prevHash = after?.hash ?? GENESIS_HASH;
  /** Up to which seq records and checkpoints are taken as a seal signed them. */
  let skipThrough = 0;
  try {
    const range = { ...prefixRange(AUDIT_PREFIX), gte: auditKey(start + 1) };
    if (after && !(await headMatches(store, after))) throw new AuditFailure(after.seq, 'hash_mismatch');
    for await (const [key, value] of store.entries(range)) {
      if ((parseSequenceKey(key, AUDIT_PREFIX) ?? 0) <= skipThrough) continue;
      let record: AuditRecord;
      try {
        record = checkRecord(key, value, expected, prevHash);
      } catch (err) {
        const seal = err instanceof AuditFailure ? seals.get(err.seq) : undefined;
        if (!seal) throw err;
        sealed++;
        skipThrough = seal.seq;
        expected = seal.seq + 1;
        prevHash = seal.hash;
        if ((parseSequenceKey(key, AUDIT_PREFIX) ?? 0) <= skipThrough) continue;
        record = checkRecord(key, value, expected, prevHash);
      }
      // Every checkpoint up to this seq must name exactly this record.
      while (!nextCheckpoint.done) {
        // Order by the key alone, so each checkpoint is verified once, when the chain reaches it.
        const [cpKey, cpValue] = nextCheckpoint.value;
        const cpSeq = parseSequenceKey(cpKey, CHECKPOINT_PREFIX) ?? 0;
        if (cpSeq > record.seq) break;
        if (cpSeq > skipThrough) {
          const checkpoint = checkCheckpoint(cpKey, cpValue, params);
          if (checkpoint.seq !== record.seq || checkpoint.hash !== record.hash) {
            throw new AuditFailure(checkpoint.seq, 'checkpoint_hash_mismatch');
          }
          verifiedCheckpoints++;
        }
        nextCheckpoint = await checkpoints.next();
      }
      records++;
      expected = record.seq + 1;
      prevHash = record.hash;
    }
    // Checkpoints beyond the last record: someone cut the tail of signed history.
    if (!nextCheckpoint.done) {
      checkCheckpoint(...nextCheckpoint.value, params);
      if (!seals.has(expected)) throw new AuditFailure(expected, 'truncated_below_checkpoint');
      sealed++;
    }
    return { ok: true, records, checkpoints: verifiedCheckpoints, ...(sealed > 0 && { sealed }), head: { seq: expected - 1, hash: prevHash } };
  } catch (err) {
    if (!(err instanceof AuditFailure)) throw err;
    return { ok: false, records, checkpoints: verifiedCheckpoints, firstBadSequence: err.seq, reason: err.reason };
  } finally {
    await checkpoints.return?.();
  }
}

/** Whether the record at `head.seq` is still the one with `head.hash`. */
async function headMatches(store: Store, head: { seq: number; hash: string }): Promise<boolean> {
  const bytes = await store.get(auditKey(head.seq));
  try {
    return bytes !== undefined && hashRecord(parseRecord(bytes)) === head.hash;
  } catch {
    return false;
  }
}

/**
 * The stored checkpoint `value` if it parses and its signer chains to `roots`
 * with a valid signature; undefined otherwise. For signed heads kept elsewhere
 * (the start-up mark, the anchor file).
 */
export function verifiedCheckpoint(key: string, value: Uint8Array, roots: readonly crypto.X509Certificate[]): Checkpoint | undefined {
  try {
    return checkCheckpoint(key, value, { roots: [...roots] });
  } catch (err) {
    if (err instanceof AuditFailure) return undefined;
    throw err;
  }
}

/** Checks one record at its position in the chain; throws AuditFailure. */
function checkRecord(key: string, value: Uint8Array, expectedSeq: number, prevHash: string): AuditRecord {
  let record: AuditRecord;
  try {
    record = parseRecord(value);
  } catch {
    throw new AuditFailure(expectedSeq, 'malformed_record');
  }
  const keySeq = parseSequenceKey(key, AUDIT_PREFIX);
  if (keySeq === undefined || keySeq !== record.seq) throw new AuditFailure(expectedSeq, 'malformed_record');
  // Keys are unique and sorted, so a seq other than the expected one is a gap starting at expectedSeq.
  if (record.seq !== expectedSeq) throw new AuditFailure(expectedSeq, 'sequence_gap');
  if (record.prevHash !== prevHash) throw new AuditFailure(record.seq, 'prev_hash_mismatch');
  if (hashRecord(record) !== record.hash) throw new AuditFailure(record.seq, 'hash_mismatch');
  return record;
}

/** Parses a checkpoint and checks its signer and signature (not yet its hash); throws AuditFailure. */
function checkCheckpoint(key: string, value: Uint8Array, params: AuditVerifyParams): Checkpoint {
  const keySeq = parseSequenceKey(key, CHECKPOINT_PREFIX);
  let checkpoint: Checkpoint;
  let chain: crypto.X509Certificate[];
  try {
    checkpoint = parseCheckpoint(value);
    chain = checkpoint.signerChain.map((der) => new crypto.X509Certificate(Buffer.from(der, 'base64')));
  } catch {
    throw new AuditFailure(keySeq ?? 0, 'malformed_checkpoint');
  }
  // A head kept under another key (the start-up mark, an anchor line) has no seq in its key.
  if (key.startsWith(CHECKPOINT_PREFIX) && keySeq !== checkpoint.seq) throw new AuditFailure(keySeq ?? checkpoint.seq, 'malformed_checkpoint');
  const trusted = params.signerId ? isSvidOf(chain, params.signerId, params.roots, checkpoint.timeMs) : chainsToRoot(chain, params.roots, checkpoint.timeMs);
  if (!trusted) throw new AuditFailure(checkpoint.seq, 'checkpoint_signer_untrusted');
  const signature = Buffer.from(checkpoint.signature, 'base64');
  if (!crypto.verify('sha256', checkpointSigningBytes(checkpoint), chain[0]!.publicKey, signature)) {
    throw new AuditFailure(checkpoint.seq, 'checkpoint_signature_invalid');
  }
  return checkpoint;
}

/**
 * Whether `chain` (signer first) is a path of CA certificates, each valid at
 * `atMs`, ending at one of `roots` (or at a certificate issued by one).
 * The signer must itself be a CA: checkpoints are signed with the CA's key,
 * and an agent's leaf SVID, which also chains to the root, must not be able to.
 * X509ChainBuilder-style path building is not validation, so every link is
 * checked by hand here: issuer name, signature, CA flag, validity.
 */
function chainsToRoot(chain: readonly crypto.X509Certificate[], roots: readonly crypto.X509Certificate[], atMs: number): boolean {
  if (chain.length === 0 || !chain.every((cert) => cert.ca && isValidAt(cert, atMs))) return false;
  for (let i = 0; i + 1 < chain.length; i++) {
    if (!isIssuedBy(chain[i]!, chain[i + 1]!)) return false;
  }
  const top = chain[chain.length - 1]!;
  return roots.some((root) => root.ca && isValidAt(root, atMs) && (root.raw.equals(top.raw) || isIssuedBy(top, root)));
}

/** Whether `chain` (leaf first) is an X509-SVID of `signerId` that verifies against `roots` at `atMs`. */
function isSvidOf(chain: readonly crypto.X509Certificate[], signerId: SpiffeId, roots: readonly crypto.X509Certificate[], atMs: number): boolean {
  try {
    const bundle = new X509Bundle(signerId.trustDomain, roots.map((root) => root.raw));
    const { id } = verifyX509Svid(chain.map((cert) => cert.raw), { getX509BundleForTrustDomain: (td) => (td === bundle.trustDomain ? bundle : undefined) }, { nowMs: atMs });
    return id.equals(signerId);
  } catch {
    return false;
  }
}

function isIssuedBy(cert: crypto.X509Certificate, issuer: crypto.X509Certificate): boolean {
  return issuer.ca && cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
}

function isValidAt(cert: crypto.X509Certificate, atMs: number): boolean {
  // Node 20 has no validFromDate; its validFrom/validTo strings parse with Date.parse.
  return Date.parse(cert.validFrom) <= atMs && atMs <= Date.parse(cert.validTo);
}
