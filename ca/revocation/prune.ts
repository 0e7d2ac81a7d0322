import { ENTRY_GRACE_MS } from '../../agent-sdk/revocation-list.js';
import { prefixRange } from '../audit/record.js';
import type { IssuanceContext } from '../issuance/context.js';
import { decodeRecord } from '../issuance/records.js';
import type { StoreOp } from '../store/store.js';
import { REVOCATION_PREFIX, type RevokedIndex, type StoredRevocation, indexKeysOf, revocationKey } from './records.js';

// Bounds one pruning transaction; the rest goes in the next run.
const MAX_PER_RUN = 1000;

/**
 * Deletes the entries that no longer cover anything unexpired (their
 * expiresAtMs plus the grace validators keep them for), with each index key
 * that still points at them, in one audited transaction. Returns how many were
 * deleted. The sequence head stays, so numbers are never reused.
 *
 * @throws {TesseraError} ERR_INTERNAL when the store cannot sync.
 * @example const deleted = await pruneRevocations(ctx);
 */
export async function pruneRevocations(ctx: IssuanceContext): Promise<number> {
  const cutoff = ctx.clock.now() - ENTRY_GRACE_MS;
  const expired: StoredRevocation[] = [];
  for await (const [, value] of ctx.store.entries(prefixRange(REVOCATION_PREFIX))) {
    const entry = decodeRecord<StoredRevocation>(value)!;
    if (entry.expiresAtMs <= cutoff) expired.push(entry);
    if (expired.length >= MAX_PER_RUN) break;
  }
  if (expired.length === 0) return 0;
  const indexKeys = [...new Set(expired.flatMap(indexKeysOf))];
  return ctx.journal.commit({
    read: indexKeys,
    audit: { operation: 'revocation.prune' },
    decide: (current) => {
      const gone = new Set(expired.map((e) => e.sequence));
      const ops: StoreOp[] = expired.map((e) => ({ type: 'del', key: revocationKey(e.sequence) }));
      for (const key of indexKeys) {
        // A later entry may have taken the key over; then it stays.
        const index = decodeRecord<RevokedIndex>(current.get(key));
        if (index && gone.has(index.sequence)) ops.push({ type: 'del', key });
      }
      return { ops, result: expired.length };
    },
  });
}

/**
 * Runs pruneRevocations every `everyMs` (unref'd) until the returned function is
 * called; failures go to `onError` and are retried at the next run. Never throws.
 *
 * @example const stop = schedulePruning(ctx, 60_000, (err) => log.warn({ err }, 'pruning failed'));
 */
export function schedulePruning(ctx: IssuanceContext, everyMs: number, onError: (err: unknown) => void): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    pruneRevocations(ctx).catch(onError).finally(() => (running = false));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
