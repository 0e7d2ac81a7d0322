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
 * with a mark that does not verify) and moves the mark to the verified head.
 *
 * With `anchorFile`, the log must also hold every head anchored there (a tail
 * cut together with its checkpoints is found only that way).
 *
 * @throws {TesseraError} ERR_AUDIT_CHAIN_BROKEN naming the first bad record and
 * how to acknowledge it (`tessera audit seal`); logged as an error first.
 */
export async function verifyAuditAtStart(
  store: Store, params: { roots: crypto.X509Certificate[]; signer: CheckpointSigner; nowMs: number; log: Logger; anchorFile?: string },
): Promise<{ verifiedRecords: number; head: number }> {
  const { roots, signer, log } = params;
  if (params.anchorFile) await checkAnchorAtStart(store, params.anchorFile, roots, log);
  const stored = await store.get(VERIFIED_MARK_KEY);
  const mark = stored && verifiedCheckpoint(VERIFIED_MARK_KEY, stored, roots);
  if (stored && !mark) log.warn({ key: VERIFIED_MARK_KEY }, 'the audit verified-through mark does not verify; verifying the whole log');
  const result = await verifyAudit(store, { roots, ...(mark && { after: { seq: mark.seq, hash: mark.hash } }) });
  if (!result.ok) broken(log, result.firstBadSequence!, result.reason!);
  const head = result.head!;
  if (head.seq !== mark?.seq) {
    await store.write([{ type: 'put', key: VERIFIED_MARK_KEY, value: await signHead(signer, { ...head, timeMs: params.nowMs }) }]);
  }
  return { verifiedRecords: result.records, head: head.seq };
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
 * checkpoint means the CA was killed. Appends `audit.recovered_after_crash`
 * (count: the unsigned records) and signs a checkpoint over it at once.
 */
export async function signCrashTail(store: Store, journal: Journal, log: Logger): Promise<number> {
  let signed = 0;
  for await (const [key] of store.entries({ ...prefixRange(CHECKPOINT_PREFIX), reverse: true, limit: 1 })) signed = parseSequenceKey(key, CHECKPOINT_PREFIX) ?? 0;
  const unsigned = journal.head().seq - signed;
  if (unsigned <= 0) return 0;
  log.warn({ unsigned, from: signed + 1 }, 'audit records left unsigned by a crash; signing them as recovered after a crash');
  await journal.record({ operation: 'audit.recovered_after_crash', count: unsigned }, 'allowed');
  await journal.checkpoint();
  return unsigned;
}
