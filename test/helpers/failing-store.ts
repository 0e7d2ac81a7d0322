import type { KeyRange, Store, StoreOp } from '../../ca/store/store.js';

/**
 * A real store that counts writes and fails one on demand (a disk that refuses
 * a sync): the next one, or the next one `failWriteWhen` picks.
 */
export class InstrumentedStore implements Store {
  writes = 0;
  failNextWrite = false;
  failWriteWhen: ((ops: readonly StoreOp[]) => boolean) | undefined;
  constructor(readonly inner: Store) {}
  get(key: string) { return this.inner.get(key); }
  getMany(keys: readonly string[]) { return this.inner.getMany(keys); }
  entries(range: KeyRange) { return this.inner.entries(range); }
  close() { return this.inner.close(); }
  async write(ops: readonly StoreOp[]) {
    this.writes++;
    if (this.failNextWrite || this.failWriteWhen?.(ops)) {
      this.failNextWrite = false;
      this.failWriteWhen = undefined;
      throw new Error('disk full');
    }
    return this.inner.write(ops);
  }
}
