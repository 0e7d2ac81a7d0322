/**
 * The audit anchor: every signed checkpoint is also appended, one JSON line
 * each, to a file the operator keeps outside the data directory (another disk,
 * or a path a log shipper follows). Whoever cuts the log's tail together with
 * the checkpoints above it in the store cannot cut them from the anchor:
 * `tessera audit verify --anchor FILE` finds every anchored head in the log.
 */
import type * as crypto from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import type { Checkpoint } from './record.js';
import { encodeCheckpoint } from './record.js';
import { verifiedCheckpoint } from './verify.js';

/** Appends `checkpoint` to the anchor file and syncs it; creates the file (0600) on first use. */
export async function appendAnchor(file: string, checkpoint: Checkpoint): Promise<void> {
  const handle = await open(file, 'a', 0o600);
  try {
    await handle.appendFile(`${Buffer.from(encodeCheckpoint(checkpoint)).toString('utf8')}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The result of checking an anchor file against the log. */
export interface AnchorVerification {
  readonly ok: boolean;
  /** Anchored heads found in the log. */
  readonly anchors: number;
  /** The first anchored seq the log does not hold as signed, or the line that does not verify. */
  readonly firstBadSequence?: number;
  readonly reason?: 'anchor_signature_invalid' | 'truncated_below_anchor' | 'anchor_hash_mismatch';
}

/**
 * Checks every line of the anchor file: a checkpoint signed by a CA key
 * chaining to `roots`, whose seq the log holds with the same hash. A seq above
 * the log's head means the tail was cut. `hashAt(seq)` reads the log (the
 * store, or the running CA's admin API); `sealedAfter(seq, timeMs)` says
 * whether a seal (ca/audit/seal.ts) took that anchored head out of the chain.
 *
 * @example const result = await verifyAnchor('/mnt/other/tessera.anchor', roots, (seq) => hashOf(seq), () => false);
 */
export async function verifyAnchor(
  file: string, roots: readonly crypto.X509Certificate[],
  hashAt: (seq: number) => Promise<string | undefined>, sealedAfter: (seq: number, timeMs: number) => boolean,
): Promise<AnchorVerification> {
  let anchors = 0;
  const lines = (await readFile(file, 'utf8')).split('\n').filter((line) => line !== '');
  for (const [i, line] of lines.entries()) {
    const checkpoint = verifiedCheckpoint(`anchor:${i + 1}`, Buffer.from(line, 'utf8'), roots);
    if (!checkpoint) return { ok: false, anchors, firstBadSequence: i + 1, reason: 'anchor_signature_invalid' };
    if (sealedAfter(checkpoint.seq, checkpoint.timeMs)) continue;
    const hash = await hashAt(checkpoint.seq);
    if (hash === undefined) return { ok: false, anchors, firstBadSequence: checkpoint.seq, reason: 'truncated_below_anchor' };
    if (hash !== checkpoint.hash) return { ok: false, anchors, firstBadSequence: checkpoint.seq, reason: 'anchor_hash_mismatch' };
    anchors++;
  }
  return { ok: true, anchors };
}
