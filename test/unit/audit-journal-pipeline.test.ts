import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TesseraError } from '../../agent-sdk/errors.js';
import { Journal, type Transaction } from '../../ca/audit/journal.js';
import { AUDIT_PREFIX, parseRecord, prefixRange, type AuditEvent, type AuditRecord } from '../../ca/audit/record.js';
import { verifyAudit } from '../../ca/audit/verify.js';
import { LevelStore } from '../../ca/store/level-store.js';
import type { KeyRange, Store, StoreOp } from '../../ca/store/store.js';
import { createAuditPki, type AuditPki } from '../helpers/audit-signer.js';

// The journal prepares group N+1 while group N's batch syncs (ca/audit/journal.ts).
// These tests hold a write open to see what happens meanwhile.

/** A real store whose writes can be held open and failed, and which records their order. */
class GatedStore implements Store {
  readonly events: string[] = [];
  #gate: { open: Promise<void>; release(): void; fail: boolean } | undefined;
  #writing = 0;
  constructor(readonly inner: Store) {}
  get(key: string) { return this.inner.get(key); }
  getMany(keys: readonly string[]) {
    if (keys.length) this.events.push(`read ${keys.join(',')}`);
    return this.inner.getMany(keys);
  }
  entries(range: KeyRange) { return this.inner.entries(range); }
  close() { return this.inner.close(); }
  /** The next write waits until release(); with `fail` it then rejects. */
  holdNextWrite(fail = false): () => void {
    let release!: () => void;
    const open = new Promise<void>((resolve) => (release = resolve));
    this.#gate = { open, release, fail };
    return release;
  }
  async write(ops: readonly StoreOp[]) {
    const gate = this.#gate;
    this.#gate = undefined;
    const keys = ops.map((op) => op.key).filter((k) => !k.startsWith(AUDIT_PREFIX)).join(',');
    this.events.push(`write ${keys}`);
    if (++this.#writing > 1) this.events.push('OVERLAP');
    try {
      if (gate) await gate.open;
      if (gate?.fail) throw new Error('disk full');
      await this.inner.write(ops);
      this.events.push(`durable ${keys}`);
    } finally {
      this.#writing--;
    }
  }
}

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : new TextDecoder().decode(b));
const event: AuditEvent = { operation: 'spawn', caller: 'spiffe://tessera.local/orchestrator/o1' };
const put = (key: string, value = 'v'): Transaction<string> => ({
  read: [], audit: event, decide: () => ({ ops: [{ type: 'put', key, value: bytes(value) }], result: key }),
});
/** Reads `key` and writes what it saw under `into`. */
const copy = (key: string, into: string): Transaction<string | undefined> => ({
  read: [key], audit: event,
  decide: (current) => ({ ops: [{ type: 'put', key: into, value: bytes(text(current.get(key)) ?? 'none') }], result: text(current.get(key)) }),
});
const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

let pki: AuditPki;
let cleanups: (() => Promise<void>)[] = [];
beforeAll(async () => {
  pki = await createAuditPki();
});
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

async function open(): Promise<{ store: GatedStore; journal: Journal }> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-journal-pipe-'));
  const store = new GatedStore(await LevelStore.create(dir));
  const journal = await Journal.open({ store, clock: { now: () => Date.now() } });
  cleanups.push(async () => {
    await journal.close().catch(() => {});
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { store, journal };
}

async function records(store: Store): Promise<AuditRecord[]> {
  const out: AuditRecord[] = [];
  for await (const [, value] of store.entries(prefixRange(AUDIT_PREFIX))) out.push(parseRecord(value));
  return out;
}

describe('Journal pipeline', () => {
  it('ok/the next group is decided on the writes in flight, written after them, and answered after its own sync', async () => {
    const { store, journal } = await open();
    await journal.commit(put('k', 'old'));
    await journal.commit({ read: [], audit: event, decide: () => ({ ops: [{ type: 'put', key: 'gone', value: bytes('x') }], result: 0 }) });
    const release = store.holdNextWrite();
    const answered: string[] = [];
    const first = journal.commit({
      read: [], audit: event,
      decide: () => ({ ops: [{ type: 'put', key: 'k', value: bytes('new') }, { type: 'del', key: 'gone' }], result: 'first' }),
    }).then((r) => (answered.push(r), r));
    await tick();
    // Group 2 is prepared while group 1 is held: it must see 'new' and the deletion, not the store.
    const second = journal.commit(copy('k', 'seen')).then((r) => (answered.push(`second:${r}`), r));
    const third = journal.commit(copy('gone', 'seen-gone')).then((r) => (answered.push(`third:${r}`), r));
    await tick();
    expect(answered).toEqual([]);
    // Read while the write is held: the store still says 'old' and 'x' there.
    expect(store.events.slice(-2)).toEqual(['write k,gone', 'read k,gone']);
    release();
    expect(await first).toBe('first');
    expect(await second).toBe('new');
    expect(await third).toBeUndefined();
    expect(store.events).not.toContain('OVERLAP');
    expect(store.events.slice(-5)).toEqual(['write k,gone', 'read k,gone', 'durable k,gone', 'write seen,seen-gone', 'durable seen,seen-gone']);
    expect(answered).toEqual(['first', 'second:new', 'third:undefined']);
    expect(text(await store.get('seen'))).toBe('new');
    expect(await verifyAudit(store, { roots: pki.roots })).toMatchObject({ ok: true, records: 5 });
  });

  it('fail/a group decided on a write that fails is rejected and never written; the chain goes on from the durable head', async () => {
    const { store, journal } = await open();
    await journal.commit(put('a'));
    const durable = journal.head();
    const release = store.holdNextWrite(true);
    const first = journal.commit(put('b')).catch((e: unknown) => e);
    await tick();
    const second = journal.commit(copy('b', 'c')).catch((e: unknown) => e);
    await tick();
    release();
    for (const err of [await first, await second]) {
      expect(err).toBeInstanceOf(TesseraError);
      expect((err as TesseraError).code).toBe('ERR_INTERNAL');
    }
    expect(journal.head()).toEqual(durable);
    expect(await store.get('b')).toBeUndefined();
    expect(await store.get('c')).toBeUndefined();
    expect(store.events.filter((e) => !e.startsWith('durable'))).toEqual(['write a', 'write b', 'read b']);

    expect(await journal.commit(copy('b', 'd'))).toBeUndefined();
    const all = await records(store);
    expect(all.map((r) => r.seq)).toEqual([1, 2]);
    expect(all[1]!.prevHash).toBe(durable.hash);
    expect(await verifyAudit(store, { roots: pki.roots })).toMatchObject({ ok: true, records: 2 });
  });

  it('ok/close waits for the write in flight and the group behind it', async () => {
    const { store, journal } = await open();
    const release = store.holdNextWrite();
    const first = journal.commit(put('x'));
    await tick();
    const second = journal.commit(put('y'));
    await tick();
    const closed = journal.close();
    await tick();
    release();
    await closed;
    expect(await Promise.all([first, second])).toEqual(['x', 'y']);
    expect((await records(store)).map((r) => r.seq)).toEqual([1, 2]);
  });
});
