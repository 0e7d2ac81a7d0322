/**
 * The embedded Store: LevelDB (`level` v10) in the CA's data directory.
 * LevelDB allows one process per directory, so this is a single-replica store;
 * the PostgreSQL store is the multi-replica one.
 */
import { Level } from 'level';
import { TesseraError } from '../../agent-sdk/errors.js';
import type { KeyRange, Store, StoreOp } from './store.js';

export class LevelStore implements Store {
  readonly #db: Level<string, Uint8Array>;

  private constructor(db: Level<string, Uint8Array>) {
    this.#db = db;
  }

  /**
   * Opens (creating if needed) the database in `dir`. Rejects if the directory
   * is unreadable.
   *
   * @throws {TesseraError} ERR_UNAVAILABLE when another process holds it (LevelDB's lock).
   *
   * @example
   * const store = await LevelStore.create(path.join(dataDir, 'state'));
   */
  static async create(dir: string): Promise<LevelStore> {
    // 'view' hands back plain Uint8Arrays, matching the Store interface.
    const db = new Level<string, Uint8Array>(dir, { keyEncoding: 'utf8', valueEncoding: 'view' });
    try {
      await db.open();
    } catch (err) {
      if ((err as { cause?: { code?: string } }).cause?.code !== 'LEVEL_LOCKED') throw err;
      throw new TesseraError('ERR_UNAVAILABLE', `the store ${dir} is in use by another process (a CA already runs on this data directory)`);
    }
    return new LevelStore(db);
  }

  /** The value at `key`, or undefined (level 9+ no longer throws NotFound). */
  async get(key: string): Promise<Uint8Array | undefined> {
    return this.#db.get(key);
  }

  /** The values at `keys`, in order, undefined where missing. */
  async getMany(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    if (keys.length === 0) return [];
    return this.#db.getMany([...keys]);
  }

  /**
   * Applies all ops atomically and resolves once LevelDB has fsynced them:
   * without `sync: true` an acknowledged write can vanish in a machine crash.
   */
  async write(ops: readonly StoreOp[]): Promise<void> {
    if (ops.length === 0) return;
    await checkExpected(this, ops);
    // A chained batch: abstract-level normalises every operation of an array
    // batch through copies and option merges, ~5x the main-thread cost per op.
    const batch = this.#db.batch();
    try {
      for (const op of ops) {
        if (op.type === 'put') batch.put(op.key, op.value);
        else batch.del(op.key);
      }
    } catch (err) {
      await batch.close();
      throw err;
    }
    await batch.write({ sync: true });
  }

  /**
   * Entries within `range`, in key order or reversed, streamed from a LevelDB
   * iterator (closed when the caller stops early).
   */
  async *entries(range: KeyRange): AsyncIterable<[string, Uint8Array]> {
    // Pass only the bounds that are set: an explicit `undefined` bound is not "no bound" everywhere.
    const options: { gte?: string; lt?: string; reverse?: boolean; limit?: number } = {};
    if (range.gte !== undefined) options.gte = range.gte;
    if (range.lt !== undefined) options.lt = range.lt;
    if (range.reverse !== undefined) options.reverse = range.reverse;
    if (range.limit !== undefined) options.limit = range.limit;
    for await (const [key, value] of this.#db.iterator(options)) {
      yield [key, value];
    }
  }

  /** Closes the database; pending operations finish first. */
  async close(): Promise<void> {
    await this.#db.close();
  }
}

/**
 * Refuses a batch whose compare-and-set ops no longer match. One process owns a
 * LevelDB and the journal is its only writer, so nothing writes between this
 * read and the batch.
 */
async function checkExpected(store: LevelStore, ops: readonly StoreOp[]): Promise<void> {
  const conditional = ops.filter((op) => op.type === 'put' && op.expected !== undefined) as Extract<StoreOp, { type: 'put' }>[];
  if (conditional.length === 0) return;
  const current = await store.getMany(conditional.map((op) => op.key));
  conditional.forEach((op, i) => {
    const now = current[i];
    const same = op.expected === null ? now === undefined : now !== undefined && Buffer.from(now).equals(op.expected!);
    if (!same) throw new Error(`${op.key} changed since it was read`);
  });
}
