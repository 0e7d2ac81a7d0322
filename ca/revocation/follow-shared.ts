/**
 * Keeps a replica's RevocationFeed in step with a database other replicas
 * write: the revocations table is the truth and a notice only a wake-up. On
 * each wake-up (a commit anywhere, or a reconnection after which notices may
 * have been lost) it reads every entry after the feed's head, in sequence
 * order, so nothing committed is ever missed.
 */
import { readOnWake } from '../store/read-on-wake.js';
import type { SharedStore } from '../store/store.js';
import { prefixRange } from '../audit/record.js';
import { decodeRecord } from '../issuance/records.js';
import type { RevocationFeed } from './feed.js';
import { REVOCATION_PREFIX, revocationKey, type StoredRevocation } from './records.js';

/** A replica following the database: `catchUp` reads it into the feed now, and rejects when it cannot. */
export interface SharedRevocations {
  readonly stop: () => void;
  readonly catchUp: () => Promise<void>;
}

/**
 * Starts following. `onFailed` gets read failures (the database away): the
 * next wake-up, at the latest the reconnection, retries.
 *
 * @example const { stop, catchUp } = followSharedRevocations(store, feed, (err) => log.warn({ err }, '...'));
 */
export function followSharedRevocations(store: SharedStore, feed: RevocationFeed, onFailed: (err: unknown) => void): SharedRevocations {
  const catchUp = async () => {
    const entries: StoredRevocation[] = [];
    for await (const [, value] of store.entries({ gte: revocationKey(feed.head + 1), lt: prefixRange(REVOCATION_PREFIX).lt })) {
      entries.push(decodeRecord<StoredRevocation>(value)!);
    }
    // Entries are read in order; a first one past head + 1 means the ones between were pruned.
    const first = entries[0];
    if (first && first.sequence > feed.head + 1) feed.skipTo(first.sequence - 1);
    feed.publish(entries);
  };
  return { stop: store.watch(REVOCATION_PREFIX, readOnWake(catchUp, onFailed)), catchUp };
}
