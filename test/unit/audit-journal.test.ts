import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TesseraError } from '../../agent-sdk/errors.js';
import { Journal } from '../../ca/audit/journal.js';
import {
  AUDIT_PREFIX, CHECKPOINT_PREFIX, GENESIS_HASH, auditKey, parseCheckpoint, parseRecord, prefixRange,
  type AuditEvent, type AuditRecord,
} from '../../ca/audit/record.js';
import { verifyAudit } from '../../ca/audit/verify.js';
import { LevelStore } from '../../ca/store/level-store.js';
import type { Store } from '../../ca/store/store.js';
import { createAuditPki, type AuditPki } from '../helpers/audit-signer.js';
import { InstrumentedStore } from '../helpers/failing-store.js';

const bytes = (s: string) => new TextEncoder().encode(s);
const event: AuditEvent = { operation: 'spawn', caller: 'spiffe://tessera.local/orchestrator/o1' };

let cleanups: (() => Promise<void>)[] = [];
let pki: AuditPki;
let nowMs = Date.now(); // inside the test certificates' validity
const clock = { now: () => nowMs };

beforeAll(async () => {
  pki = await createAuditPki();
});

afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

async function tmpDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-journal-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function openStore(dir: string): Promise<InstrumentedStore> {
  const store = new InstrumentedStore(await LevelStore.create(dir));
  let closed = false;
  cleanups.push(async () => { if (!closed) await store.close(); });
  const close = store.close.bind(store);
  store.close = async () => { closed = true; await close(); };
  return store;
}

async function records(store: Store): Promise<AuditRecord[]> {
  const out: AuditRecord[] = [];
  for await (const [, value] of store.entries(prefixRange(AUDIT_PREFIX))) out.push(parseRecord(value));
  return out;
}

async function checkpointSeqs(store: Store): Promise<number[]> {
  const out: number[] = [];
  for await (const [, value] of store.entries(prefixRange(CHECKPOINT_PREFIX))) out.push(parseCheckpoint(value).seq);
  return out;
}

function put(key: string, value = 'v') {
  return { read: [], audit: event, decide: () => ({ ops: [{ type: 'put' as const, key, value: bytes(value) }], result: key }) };
}

describe('Journal', () => {
  it('ok/records-chain-across-close-and-reopen', async () => {
    const dir = await tmpDir();
    let store = await openStore(dir);
    let journal = await Journal.open({ store, clock });
    expect(journal.head()).toEqual({ seq: 0, hash: GENESIS_HASH });
    for (const k of ['a', 'b', 'c']) await journal.commit(put(k));
    const head = journal.head();
    await journal.close();
    await store.close();

    store = await openStore(dir);
    journal = await Journal.open({ store, clock });
    expect(journal.head()).toEqual(head);
    await journal.commit(put('d'));
    const all = await records(store);
    expect(all.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    expect(all[3]!.prevHash).toBe(head.hash);
    expect(await verifyAudit(store, { roots: pki.roots })).toEqual({ ok: true, records: 4, checkpoints: 0, head: { seq: 4, hash: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    await journal.close();
  });

  it('ok/group-commit-200-concurrent', async () => {
    const store = await openStore(await tmpDir());
    const journal = await Journal.open({ store, clock });
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => journal.commit(put(`k/${i}`, String(i)))));
    expect(results).toEqual(Array.from({ length: 200 }, (_, i) => `k/${i}`));
    const seqs = (await records(store)).map((r) => r.seq);
    expect(new Set(seqs).size).toBe(200);
    expect(seqs).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(store.writes).toBeLessThan(200);
    expect(new TextDecoder().decode(await store.get('k/199'))).toBe('199');
    expect(await verifyAudit(store, { roots: pki.roots })).toMatchObject({ ok: true, records: 200 });
    await journal.close();
  });

  it('ok/single-use-key-consumed-once-of-50', async () => {
    const store = await openStore(await tmpDir());
    await store.write([{ type: 'put', key: 'ticket/K', value: bytes('hash') }]);
    const journal = await Journal.open({ store, clock });
    const consume = () => journal.commit({
      read: ['ticket/K'],
      audit: { operation: 'activate', task: 't1' },
      decide: (current) => {
        if (current.get('ticket/K') === undefined) throw new TesseraError('ERR_TICKET_USED', 'ticket already used');
        return { ops: [{ type: 'del', key: 'ticket/K' }], result: 'activated', audit: { serial: 'ab12' } };
      },
    });
    const settled = await Promise.allSettled(Array.from({ length: 50 }, consume));
    const fulfilled = settled.filter((s) => s.status === 'fulfilled');
    const rejected = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as TesseraError] : []));
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(49);
    for (const err of rejected) {
      expect(err).toBeInstanceOf(TesseraError);
      expect(err.code).toBe('ERR_TICKET_USED');
      expect(err.message).toBe('ticket already used');
    }
    const all = await records(store);
    expect(all.filter((r) => r.outcome === 'denied' && r.reason === 'ERR_TICKET_USED')).toHaveLength(49);
    expect(all.filter((r) => r.outcome === 'allowed')).toEqual([expect.objectContaining({ serial: 'ab12', task: 't1' })]);
    expect(await store.get('ticket/K')).toBeUndefined();
    await journal.close();
  });

  it('fail/store-write-rejects-and-next-commit-chains-from-durable-head', async () => {
    const store = await openStore(await tmpDir());
    const journal = await Journal.open({ store, clock });
    await journal.commit(put('a'));
    const durable = journal.head();
    store.failNextWrite = true;
    const err = await journal.commit(put('b')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TesseraError);
    expect((err as TesseraError).code).toBe('ERR_INTERNAL');
    expect((err as TesseraError).message).toBe('state could not be made durable');
    expect(((err as TesseraError).cause as Error).message).toBe('disk full');
    expect(journal.head()).toEqual(durable);
    expect(await store.get('b')).toBeUndefined();

    await journal.commit(put('c'));
    const all = await records(store);
    expect(all.map((r) => r.seq)).toEqual([1, 2]);
    expect(all[1]!.prevHash).toBe(durable.hash);
    expect(await verifyAudit(store, { roots: pki.roots })).toMatchObject({ ok: true, records: 2 });
    await journal.close();
  });

  it('fail/unexpected-throw-records-error-and-rejects-original', async () => {
    const store = await openStore(await tmpDir());
    const journal = await Journal.open({ store, clock });
    const boom = new RangeError('bug');
    await expect(journal.commit({ read: ['x'], audit: event, decide: () => { throw boom; } })).rejects.toBe(boom);
    const writesAuditKey = { read: [], audit: event, decide: () => ({ ops: [{ type: 'del' as const, key: auditKey(1) }], result: 0 }) };
    await expect(journal.commit(writesAuditKey)).rejects.toBeInstanceOf(TypeError);
    const all = await records(store);
    expect(all.map((r) => [r.outcome, r.reason])).toEqual([['error', 'ERR_INTERNAL'], ['error', 'ERR_INTERNAL']]);
    await journal.close();
  });


  it('ok/readAlso reads the keys a first read names, in the same group, and a throw there is audited', async () => {
    const store = await openStore(await tmpDir());
    await store.write([{ type: 'put', key: 'ticket/T', value: bytes('identity/A') }]);
    const journal = await Journal.open({ store, clock });
    const reads: string[][] = [];
    const getMany = store.getMany.bind(store);
    store.getMany = (keys) => { reads.push([...keys]); return getMany(keys); };
    const activate = () => journal.commit({
      read: ['ticket/T'],
      readAlso: (current) => [`revoked/${new TextDecoder().decode(current.get('ticket/T'))}`],
      audit: event,
      decide: (current) => {
        if (current.get('revoked/identity/A')) throw new TesseraError('ERR_REVOKED', 'identity is revoked');
        return { ops: [], result: [...current.keys()] };
      },
    });
    // A revocation and the activation behind it in one group: the second read sees the first's write.
    const revoke = journal.commit(put('revoked/identity/A'));
    const [revoked, seen] = await Promise.allSettled([revoke, activate()]);
    expect(revoked.status).toBe('fulfilled');
    expect(seen).toMatchObject({ status: 'rejected', reason: { code: 'ERR_REVOKED' } });
    expect(reads).toEqual([['ticket/T'], ['revoked/identity/A']]);

    const broken = journal.commit({
      read: ['ticket/T'], audit: event, readAlso: () => { throw new TesseraError('ERR_TICKET_INVALID', 'unreadable'); },
      decide: () => ({ ops: [{ type: 'put' as const, key: 'never', value: bytes('x') }], result: 0 }),
    });
    await expect(broken).rejects.toMatchObject({ code: 'ERR_TICKET_INVALID' });
    expect(await store.get('never')).toBeUndefined();
    const all = await records(store);
    expect(all.map((r) => [r.outcome, r.reason])).toEqual([['allowed', undefined], ['denied', 'ERR_REVOKED'], ['denied', 'ERR_TICKET_INVALID']]);
    await journal.close();
  });
  it('ok/record-without-state-change-and-no-foreign-fields', async () => {
    const store = await openStore(await tmpDir());
    const journal = await Journal.open({ store, clock });
    const sneaky = { ...event, ticket: 'secret-ticket', csr: 'MII...' } as AuditEvent;
    await journal.record(sneaky, 'denied', 'ERR_PEER_UNAUTHORIZED');
    const [rec] = await records(store);
    expect(rec).toMatchObject({ seq: 1, outcome: 'denied', reason: 'ERR_PEER_UNAUTHORIZED', timeMs: nowMs, operation: 'spawn' });
    expect(JSON.stringify(rec)).not.toContain('secret');
    await expect(journal.record({ operation: 'Free text!' }, 'allowed')).rejects.toBeInstanceOf(TypeError);
    await journal.close();
  });

  it('ok/checkpoint-every-records-and-on-close', async () => {
    const store = await openStore(await tmpDir());
    const journal = await Journal.open({ store, clock, checkpoint: { signer: pki.signer, everyRecords: 10, everyMs: 3_600_000 } });
    for (let i = 0; i < 25; i++) await journal.commit(put(`k/${i}`));
    expect(await checkpointSeqs(store)).toEqual([10, 20]);
    await journal.close();
    expect(await checkpointSeqs(store)).toEqual([10, 20, 25]);
    expect(await verifyAudit(store, { roots: pki.roots })).toEqual({ ok: true, records: 25, checkpoints: 3, head: { seq: 25, hash: expect.stringMatching(/^[0-9a-f]{64}$/) } });
  });

  it('ok/checkpoint-after-every-ms-on-injected-clock', async () => {
    const store = await openStore(await tmpDir());
    const journal = await Journal.open({ store, clock, checkpoint: { signer: pki.signer, everyRecords: 1000, everyMs: 60_000 } });
    await journal.commit(put('a'));
    expect(await checkpointSeqs(store)).toEqual([]);
    nowMs += 60_000;
    await journal.commit(put('b'));
    expect(await checkpointSeqs(store)).toEqual([1]);
    await journal.close();
    await journal.close();
    expect(await checkpointSeqs(store)).toEqual([1, 2]);
  });

  it('fail/open-refuses-log-cut-below-checkpoint', async () => {
    const store = await openStore(await tmpDir());
    const journal = await Journal.open({ store, clock, checkpoint: { signer: pki.signer, everyRecords: 1000, everyMs: 60_000 } });
    for (const k of ['a', 'b', 'c']) await journal.commit(put(k));
    await journal.close();
    await store.write([{ type: 'del', key: auditKey(3) }]);
    const err = await Journal.open({ store, clock }).catch((e: unknown) => e);
    expect((err as TesseraError).code).toBe('ERR_AUDIT_CHAIN_BROKEN');
    expect((err as TesseraError).message).toMatch(/checkpoint 3/);
  });

  it('ok/opens while another replica appends records and a checkpoint between its reads of the store', async () => {
    const store = await openStore(await tmpDir());
    const options = { signer: pki.signer, everyRecords: 1000, everyMs: 3_600_000 };
    const writer = await Journal.open({ store, clock, checkpoint: options });
    for (const k of ['a', 'b']) await writer.commit(put(k));
    await writer.checkpoint();
    // The replica that opens reads the store twice; the writer commits and signs in between.
    let reads = 0;
    const entries = store.entries.bind(store);
    store.entries = (range) => {
      const inner = entries(range);
      if (reads++ > 0) return inner;
      // In `finally`: the reader stops after the first entry it needs.
      return (async function* () {
        try {
          yield* inner;
        } finally {
          await writer.commit(put('c'));
          await writer.checkpoint();
        }
      })();
    };
    const opening = await Journal.open({ store, clock });
    expect(opening.head().seq).toBeGreaterThanOrEqual(2);
    expect(await checkpointSeqs(store)).toEqual([2, 3]);
    await writer.close();
  });

  it('fail/commit-after-close', async () => {
    const store = await openStore(await tmpDir());
    const journal = await Journal.open({ store, clock });
    await journal.close();
    await expect(journal.commit(put('a'))).rejects.toMatchObject({ code: 'ERR_INTERNAL' });
  });
});
