/**
 * A sealed break: the operator's signed acknowledgement that the audit chain
 * is broken at one record (edited, deleted, or the tail cut), so the CA may go
 * on. The seal names the first bad record and signs the head the log had when
 * it was sealed; verification steps from the break to that head and goes on,
 * and reports the break as sealed. The records between are taken as the seal
 * found them: they are not evidence any more, the seal says so.
 */
import * as crypto from 'node:crypto';
import { TesseraError } from '../../agent-sdk/errors.js';
import type { Store, StoreOp } from '../store/store.js';
import type { CheckpointSigner } from './journal.js';
import {
  AUDIT_PREFIX, CHECKPOINT_PREFIX, GENESIS_HASH, checkpointKey, checkpointSigningBytes, encodeCheckpoint, parseRecord, parseSequenceKey, prefixRange,
} from './record.js';
import { verifiedCheckpoint, verifyAudit } from './verify.js';

export const SEAL_PREFIX = 'audit_seal/';
const sealKey = (brokenAt: number) => SEAL_PREFIX + String(brokenAt).padStart(16, '0');

/** A seal as stored: a signed head (checkpoint format) plus the break it acknowledges. */
interface StoredSeal {
  readonly brokenAt: number;
  /** A checkpoint (record.ts format) of the head when sealed, base64 of its stored bytes. */
  readonly head: string;
}

/**
 * The verified seals in `store`: for each first bad seq, the head its seal
 * signed. A seal whose signature does not chain to `roots` is ignored, so the
 * break it names is reported as it is.
 */
export async function readSeals(store: Store, roots: readonly crypto.X509Certificate[]): Promise<Map<number, { seq: number; hash: string; timeMs: number }>> {
  const seals = new Map<number, { seq: number; hash: string; timeMs: number }>();
  for await (const [key, value] of store.entries(prefixRange(SEAL_PREFIX))) {
    try {
      const seal = JSON.parse(Buffer.from(value).toString('utf8')) as StoredSeal;
      const head = verifiedCheckpoint(key, Buffer.from(seal.head, 'base64'), roots);
      if (head && Number.isSafeInteger(seal.brokenAt) && sealKey(seal.brokenAt) === key && seal.brokenAt <= head.seq + 1) {
        seals.set(seal.brokenAt, { seq: head.seq, hash: head.hash, timeMs: head.timeMs });
      }
    } catch {
      // Malformed: not a seal.
    }
  }
  return seals;
}

/**
 * Whether a seal took the head anchored at `seq` (signed at `timeMs`) out of
 * the chain: a seal from a break at or below it, made after it was signed.
 */
export function sealedAway(seals: ReadonlyMap<number, { timeMs: number }>, seq: number, timeMs: number): boolean {
  return [...seals].some(([brokenAt, seal]) => brokenAt <= seq && timeMs <= seal.timeMs);
}

/**
 * Seals the break at record `at`: `at` must be where verification of the log
 * now fails (so the operator acknowledges the break they saw, not another).
 * Writes the signed seal and removes checkpoints above the current head (they
 * sign a cut tail; the anchor file keeps them). Run with the CA stopped; then
 * append the `audit.seal` record through a journal (see sealCommand).
 *
 * @throws {TesseraError} ERR_INVALID_ARGUMENT when the log is not broken at `at`;
 * ERR_AUDIT_CHAIN_BROKEN when its last record does not parse (nothing to sign).
 * @returns the sealed head and how many records the seal takes as found.
 */
export async function sealAuditBreak(
  store: Store, params: { at: number; roots: crypto.X509Certificate[]; signer: CheckpointSigner; nowMs: number },
): Promise<{ head: number; accepted: number }> {
  const result = await verifyAudit(store, { roots: params.roots });
  if (result.ok) throw new TesseraError('ERR_INVALID_ARGUMENT', 'the audit log verifies: there is no break to seal');
  if (result.firstBadSequence !== params.at) {
    throw new TesseraError('ERR_INVALID_ARGUMENT', `the audit log breaks at record ${result.firstBadSequence} (${result.reason}), not ${params.at}`);
  }
  const head = await lastRecord(store);
  const checkpoint = await signHead(params.signer, { ...head, timeMs: params.nowMs });
  const ops: StoreOp[] = [{ type: 'put', key: sealKey(params.at), value: Buffer.from(JSON.stringify({ brokenAt: params.at, head: Buffer.from(checkpoint).toString('base64') } satisfies StoredSeal)) }];
  for await (const [key] of store.entries({ ...prefixRange(CHECKPOINT_PREFIX), gte: checkpointKey(head.seq + 1) })) ops.push({ type: 'del', key });
  await store.write(ops);
  return { head: head.seq, accepted: Math.max(1, head.seq - params.at + 1) };
}

/** The last record's seq and hash. */
async function lastRecord(store: Store): Promise<{ seq: number; hash: string }> {
  for await (const [key, value] of store.entries({ ...prefixRange(AUDIT_PREFIX), reverse: true, limit: 1 })) {
    try {
      const record = parseRecord(value);
      if (parseSequenceKey(key, AUDIT_PREFIX) === record.seq) return { seq: record.seq, hash: record.hash };
    } catch {
      // Falls through to the refusal.
    }
    throw new TesseraError('ERR_AUDIT_CHAIN_BROKEN', `the last audit record (${key}) does not parse; it cannot be sealed`);
  }
  return { seq: 0, hash: GENESIS_HASH };
}

/** A signed head in the stored checkpoint format. */
export async function signHead(signer: CheckpointSigner, head: { seq: number; hash: string; timeMs: number }): Promise<Uint8Array> {
  const signature = Buffer.from(await signer.sign(checkpointSigningBytes(head))).toString('base64');
  return encodeCheckpoint({ ...head, signature, signerChain: signer.chain.map((der) => Buffer.from(der).toString('base64')) });
}
