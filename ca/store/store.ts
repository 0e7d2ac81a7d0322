/**
 * The CA's persistent state behind one narrow async interface, so the embedded
 * `level` store and a later PostgreSQL store for several CA replicas are
 * interchangeable. Keys are strings ordered bytewise; values are bytes.
 */

/** One write in an atomic batch. */
export type StoreOp =
  | { readonly type: 'put'; readonly key: string; readonly value: Uint8Array }
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
