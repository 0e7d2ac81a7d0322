/**
 * The CA's live view of its revocations: the committed entries in memory (a
 * RevocationList, which the mTLS listener checks every caller against) and the
 * WatchRevocations streams that get each new entry. Entries reach it only after
 * their transaction is durable, and in sequence order, so a client that
 * resumes from the last number it saw never skips one.
 */
import type { Clock } from '../../agent-sdk/clock.js';
import { type RevocationEntry, RevocationList } from '../../agent-sdk/revocation-list.js';
import type { Store } from '../store/store.js';
import { prefixRange } from '../audit/record.js';
import { REVOCATION_HEAD_KEY, REVOCATION_PREFIX, type StoredRevocation } from './records.js';
import { decodeRecord } from '../issuance/records.js';

type Subscriber = (entries: readonly RevocationEntry[]) => void;

export class RevocationFeed {
  /** Every unexpired committed entry; the CA never goes stale against itself. */
  readonly list: RevocationList;
  readonly #subscribers = new Set<Subscriber>();
  readonly #pending = new Map<number, StoredRevocation>();
  #published: number;

  private constructor(list: RevocationList, head: number) {
    this.list = list;
    this.#published = head;
  }

  /**
   * Loads the stored entries.
   *
   * @throws whatever the store throws; SyntaxError for a corrupt entry.
   * @example const feed = await RevocationFeed.load(store, 'tessera.local', systemClock);
   */
  static async load(store: Store, trustDomain: string, clock: Clock): Promise<RevocationFeed> {
    const list = new RevocationList({ trustDomain, clock, failOpen: true });
    list.markCurrent();
    const entries: StoredRevocation[] = [];
    for await (const [, value] of store.entries(prefixRange(REVOCATION_PREFIX))) entries.push(decodeRecord<StoredRevocation>(value)!);
    list.apply(entries);
    const head = decodeRecord<{ sequence: number }>(await store.get(REVOCATION_HEAD_KEY))?.sequence ?? 0;
    return new RevocationFeed(list, head);
  }

  /** The last sequence number delivered. */
  get head(): number {
    return this.#published;
  }

  /**
   * Delivers committed entries, in sequence order: an entry whose predecessor
   * has not been delivered yet waits for it. Call right after the commit resolves.
   */
  publish(entries: readonly StoredRevocation[]): void {
    // With replicas an entry can arrive twice: from this replica's commit and from the database.
    for (const entry of entries) if (entry.sequence > this.#published) this.#pending.set(entry.sequence, entry);
    const ready: RevocationEntry[] = [];
    for (let next = this.#pending.get(this.#published + 1); next; next = this.#pending.get(this.#published + 1)) {
      this.#pending.delete(next.sequence);
      this.#published = next.sequence;
      ready.push(withoutReason(next));
    }
    if (ready.length === 0) return;
    this.list.apply(ready);
    for (const subscriber of this.#subscribers) subscriber(ready);
  }

  /**
   * Moves past sequence numbers that no longer exist: entries pruned (all they
   * covered had expired) before this replica read them. Never moves back.
   */
  skipTo(sequence: number): void {
    this.#published = Math.max(this.#published, sequence);
    this.publish([]);
  }

  /** Calls `subscriber` with each batch of new entries; returns the unsubscriber. */
  subscribe(subscriber: Subscriber): () => void {
    this.#subscribers.add(subscriber);
    return () => this.#subscribers.delete(subscriber);
  }

  close(): void {
    this.list.close();
    this.#subscribers.clear();
  }
}

/** Validators get no operator text. */
function withoutReason(entry: StoredRevocation): RevocationEntry {
  const { reason: _reason, ...rest } = entry;
  return rest;
}
