/**
 * The CA's persistent state behind one narrow async interface, so the embedded
 * `level` store and a later PostgreSQL store for several CA replicas are
 * interchangeable. Keys are strings ordered bytewise; values are bytes.
 */

/** One write in an atomic batch. */
export type StoreOp =
  | {
    readonly type: 'put'; readonly key: string; readonly value: Uint8Array;
    /**
     * Compare-and-set: the batch applies only if the key still holds exactly
     * these bytes (null: the key is absent), and fails as a whole otherwise.
     * Uses up one-time secrets, so single use rests on the store, not only on
     * the transaction that decided it.
     */
    readonly expected?: Uint8Array | null;
  }
  | { readonly type: 'del'; readonly key: string };

/** A key range; bounds are compared bytewise. */
export interface KeyRange {
  readonly gte?: string;
  readonly lt?: string;
  readonly reverse?: boolean;
  readonly limit?: number;
}

export interface Store {
  /** The value at `key`, or undefined. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** The values at `keys`, in order, undefined where missing. */
  getMany(keys: readonly string[]): Promise<(Uint8Array | undefined)[]>;
  /**
   * Applies every op or none, and resolves only once the batch is durable
   * (synced to disk): callers acknowledge nothing before that.
   */
  write(ops: readonly StoreOp[]): Promise<void>;
  /** Entries in key order (or reverse) within the range. */
  entries(range: KeyRange): AsyncIterable<[string, Uint8Array]>;
  close(): Promise<void>;
}

/** What a SharedStore transaction reads and writes; its writes apply at commit. */
export type StoreTransaction = Pick<Store, 'get' | 'getMany' | 'entries' | 'write'>;

/**
 * A Store several CA processes share (PostgreSQL). The journal runs each group
 * of transactions inside `exclusive`, so read-decide-write stays serial across
 * every replica, as it is inside one process.
 */
export interface SharedStore extends Store {
  /**
   * Runs `fn` in one database transaction that holds the store's write lock:
   * it sees every commit made before the lock was granted, and no other
   * `exclusive` runs until it commits. Resolves once committed and durable;
   * if `fn` or the commit fails, nothing of it is written.
   *
   * @throws {TesseraError} ERR_UNAVAILABLE when the database cannot be reached.
   */
  exclusive<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T>;
  /**
   * Calls `onChange` after any process commits a write under `prefix`, and
   * after every (re)connection to the database, when a notice may have been
   * missed: a wake-up only, the caller reads what changed. Returns the unwatcher.
   */
  watch(prefix: string, onChange: () => void): () => void;
}

/** Whether `store` is shared by several processes. */
export function isSharedStore(store: Store): store is SharedStore {
  return typeof (store as Partial<SharedStore>).exclusive === 'function';
}
