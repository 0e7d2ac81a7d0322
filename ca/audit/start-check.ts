/**
 * What the CA checks of its audit log before it issues anything, and what it
 * repairs. Journal.open looks only at the last record and checkpoint; here the
 * chain is verified from the signed "verified through" mark the previous start
 * left (so a restart reads only what is new), a broken chain stops the CA, and
 * a tail left unsigned by a crash is signed as "recovered after a crash".
 */
import type * as crypto from 'node:crypto';
import { TesseraError } from '../../agent-sdk/errors.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import type { CheckpointSigner, Journal } from './journal.js';
import { verifyAnchor } from './anchor.js';
import { CHECKPOINT_PREFIX, auditKey, parseRecord, parseSequenceKey, prefixRange } from './record.js';
import { readSeals, sealedAway, signHead } from './seal.js';
import { verifiedCheckpoint, verifyAudit } from './verify.js';

/** The signed head of the chain as far as a start verified it (checkpoint format). */
export const VERIFIED_MARK_KEY = 'meta/audit_verified_through';

/**
 * Verifies every record after the signed mark (all of them without one, or
 * with a mark that does not verify). Writes nothing: the CA calls it before it
 * opens the journal, and signs the new mark with `markVerified` once its
 * signing authority is loaded.
 *
 * With `anchorFile`, the log must also hold every head anchored there (a tail
 * cut together with its checkpoints is found only that way).
 *
 * @throws {TesseraError} ERR_AUDIT_CHAIN_BROKEN naming the first bad record and
 * how to acknowledge it (`tessera audit seal`); logged as an error first.
 */
export async function verifyAuditAtStart(
  store: Store, params: { roots: crypto.X509Certificate[]; log: Logger; anchorFile?: string },
): Promise<VerifiedHead> {
  const { roots, log } = params;
  if (params.anchorFile) await checkAnchorAtStart(store, params.anchorFile, roots, log);
  const stored = await store.get(VERIFIED_MARK_KEY);
  const mark = stored && verifiedCheckpoint(VERIFIED_MARK_KEY, stored, roots);
  if (stored && !mark) log.warn({ key: VERIFIED_MARK_KEY }, 'the audit verified-through mark does not verify; verifying the whole log');
  const result = await verifyAudit(store, { roots, ...(mark && { after: { seq: mark.seq, hash: mark.hash } }) });
  if (!result.ok) broken(log, result.firstBadSequence!, result.reason!);
  return { verifiedRecords: result.records, head: result.head!, markedSeq: mark ? mark.seq : undefined };
}

/** What `verifyAuditAtStart` found: the verified head, and where the stored mark stood. */
export interface VerifiedHead {
  readonly verifiedRecords: number;
  readonly head: { readonly seq: number; readonly hash: string };
  readonly markedSeq: number | undefined;
}

/**
 * Moves the signed "verified through" mark to the head `verifyAuditAtStart`
 * verified. An empty log (a new CA) has nothing to mark: record 0 is no
 * checkpoint, and such a mark would never verify.
 */
export async function markVerified(store: Store, signer: CheckpointSigner, verified: VerifiedHead, nowMs: number): Promise<void> {
  // An empty log has no head to mark (a checkpoint's seq starts at 1: a mark at 0 would not verify next time).
  if (verified.head.seq === 0 || verified.head.seq === verified.markedSeq) return;
  await store.write([{ type: 'put', key: VERIFIED_MARK_KEY, value: await signHead(signer, { ...verified.head, timeMs: nowMs }) }]);
}

async function checkAnchorAtStart(store: Store, file: string, roots: crypto.X509Certificate[], log: Logger): Promise<void> {
  const seals = await readSeals(store, roots);
  const hashAt = async (seq: number) => {
    const bytes = await store.get(auditKey(seq));
    try {
      return bytes && parseRecord(bytes).hash;
    } catch {
      return 'malformed';
    }
  };
  const result = await verifyAnchor(file, roots, hashAt, (seq, timeMs) => sealedAway(seals, seq, timeMs)).catch((err: NodeJS.ErrnoException) => {
    // No anchor yet: nothing was anchored (the first checkpoint creates the file).
    if (err.code === 'ENOENT') return { ok: true as const };
    throw err;
  });
  if (result.ok) return;
  broken(log, result.firstBadSequence!, result.reason!);
}

function broken(log: Logger, firstBadSequence: number, reason: string): never {
  const message = `audit log broken at record ${firstBadSequence} (${reason}); the CA will not issue. ` +
    `Inspect it with \`tessera audit verify\`; acknowledge a known break with \`tessera audit seal --at ${firstBadSequence}\``;
  log.error({ firstBadSequence, reason }, message);
  throw new TesseraError('ERR_AUDIT_CHAIN_BROKEN', message);
}

/**
 * A clean stop signs the head (Journal.close); a head above the last
 * checkpoint means the CA was killed. Read right after Journal.open, before
 * this start appends anything of its own.
 */
export async function unsignedTail(store: Store, journal: Journal): Promise<{ from: number; count: number }> {
  let signed = 0;
  for await (const [key] of store.entries({ ...prefixRange(CHECKPOINT_PREFIX), reverse: true, limit: 1 })) signed = parseSequenceKey(key, CHECKPOINT_PREFIX) ?? 0;
  return { from: signed + 1, count: Math.max(0, journal.head().seq - signed) };
}

/**
 * Appends `audit.recovered_after_crash` (count: the records `unsignedTail`
 * found) and signs a checkpoint over it at once; nothing without a tail.
 */
export async function signCrashTail(journal: Journal, tail: { from: number; count: number }, log: Logger): Promise<void> {
  if (tail.count === 0) return;
  log.warn({ unsigned: tail.count, from: tail.from }, 'audit records left unsigned by a crash; signing them as recovered after a crash');
  await journal.record({ operation: 'audit.recovered_after_crash', count: tail.count }, 'allowed');
  await journal.checkpoint();
}
