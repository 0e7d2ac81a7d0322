import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Journal } from '../../ca/audit/journal.js';
import { AUDIT_PREFIX, auditKey, parseRecord, prefixRange, type AuditEvent } from '../../ca/audit/record.js';
import { verifyAudit } from '../../ca/audit/verify.js';
import { PostgresStore } from '../../ca/store/postgres-store.js';
import { TesseraError } from '../../agent-sdk/errors.js';
import { createAuditPki, type AuditPki } from '../helpers/audit-signer.js';
import { freshDatabase } from '../helpers/postgres.js';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : new TextDecoder().decode(b));
const event: AuditEvent = { operation: 'spawn', caller: 'spiffe://tessera.local/orchestrator/o1' };
const clock = { now: () => Date.now() };

let cleanups: (() => Promise<void>)[] = [];
let pki: AuditPki;

beforeAll(async () => {
  pki = await createAuditPki();
});

afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

async function open(url: string): Promise<PostgresStore> {
  const store = await PostgresStore.create(url);
  cleanups.push(() => store.close());
  return store;
}

async function collect(it: AsyncIterable<[string, Uint8Array]>): Promise<[string, string | undefined][]> {
  const out: [string, string | undefined][] = [];
  for await (const [k, v] of it) out.push([k, text(v)]);
  return out;
}

describe('PostgresStore', () => {
  it('ok/put-del-get-in-every-table', async () => {
    const store = await open(await freshDatabase());
    const keys = ['identity/spiffe://tessera.local/agent/o/t/i', 'ticket/ab', 'join_token/cd', auditKey(1), 'revocation/0000000000000007'];
    await store.write(keys.map((key, i) => ({ type: 'put', key, value: bytes(String(i)) })));
    expect((await store.getMany(keys)).map(text)).toEqual(['0', '1', '2', '3', '4']);
    await store.write([{ type: 'del', key: 'ticket/ab' }, { type: 'put', key: auditKey(1), value: bytes('x') }]);
    expect((await store.getMany(['ticket/ab', auditKey(1), 'missing'])).map(text)).toEqual([undefined, 'x', undefined]);
  });

  it('ok/entries-in-key-order-with-reverse-limit-and-pages', async () => {
    const store = await open(await freshDatabase());
    const seqs = Array.from({ length: 1200 }, (_, i) => i + 1);
    await store.write(seqs.map((seq) => ({ type: 'put', key: auditKey(seq), value: bytes(String(seq)) })));
    await store.write(['identity/b', 'identity/a', 'identity/a0', 'serial/z'].map((key) => ({ type: 'put', key, value: bytes(key) })));

    const all = await collect(store.entries(prefixRange(AUDIT_PREFIX)));
    expect(all.map(([, v]) => Number(v))).toEqual(seqs);
    expect(all[0]![0]).toBe(auditKey(1));
    expect(await collect(store.entries({ ...prefixRange(AUDIT_PREFIX), reverse: true, limit: 2 }))).toEqual([[auditKey(1200), '1200'], [auditKey(1199), '1199']]);
    expect((await collect(store.entries({ gte: auditKey(1195), lt: prefixRange(AUDIT_PREFIX).lt, limit: 3 }))).map(([k]) => k))
      .toEqual([auditKey(1195), auditKey(1196), auditKey(1197)]);
    // Bytewise order, as in LevelDB: 'a' < 'a0' < 'b'; other prefixes stay out.
    expect((await collect(store.entries(prefixRange('identity/')))).map(([k]) => k)).toEqual(['identity/a', 'identity/a0', 'identity/b']);
  });

  it('fail/compare-and-set-refuses-a-second-spend', async () => {
    const store = await open(await freshDatabase());
    await store.write([{ type: 'put', key: 'ticket/t1', value: bytes('fresh'), expected: null }]);
    await expect(store.write([{ type: 'put', key: 'ticket/t1', value: bytes('again'), expected: null }])).rejects.toThrow(/changed/);
    await store.write([{ type: 'put', key: 'ticket/t1', value: bytes('used'), expected: bytes('fresh') }]);
    // The batch fails whole: the identity beside the second spend is not written.
    await expect(store.write([
      { type: 'put', key: 'identity/x', value: bytes('issued') },
      { type: 'put', key: 'ticket/t1', value: bytes('used twice'), expected: bytes('fresh') },
    ])).rejects.toThrow(/changed/);
    expect((await store.getMany(['ticket/t1', 'identity/x'])).map(text)).toEqual(['used', undefined]);
  });

  it('ok/exclusive-transactions-are-serial-across-connections', async () => {
    const url = await freshDatabase();
    const [a, b] = [await open(url), await open(url)];
    const increment = (store: PostgresStore) => store.exclusive(async (tx) => {
      const n = Number(text(await tx.get('meta/counter')) ?? '0');
      await new Promise((resolve) => setTimeout(resolve, 2));
      await tx.write([{ type: 'put', key: 'meta/counter', value: bytes(String(n + 1)) }]);
    });
    await Promise.all(Array.from({ length: 40 }, (_, i) => increment(i % 2 ? a : b)));
    expect(text(await a.get('meta/counter'))).toBe('40');
  });

  it('ok/watch-wakes-on-another-connection-commit', async () => {
    const url = await freshDatabase();
    const [writer, watcher] = [await open(url), await open(url)];
    let wakes = 0;
    let onWake: () => void = () => {};
    watcher.watch('revocation/', () => {
      wakes++;
      onWake();
    });
    const nextWake = () => new Promise<void>((resolve) => (onWake = resolve));
    // The first wake comes with the connection (catch-up), the second with the commit.
    await nextWake();
    const committed = nextWake();
    await writer.write([{ type: 'put', key: 'revocation/0000000000000001', value: bytes('r') }]);
    await committed;
    expect(wakes).toBe(2);
  });

  it('fail/unreachable-database-is-unavailable', async () => {
    const url = await freshDatabase();
    await expect(PostgresStore.create(url.replace(/:\d+\//, ':1/'))).rejects.toMatchObject({ code: 'ERR_UNAVAILABLE' });
    const store = await open(url);
    await store.close();
    cleanups.pop();
    await expect(store.get('x')).rejects.toBeInstanceOf(Error);
  });
});

describe('Journal on PostgreSQL replicas', () => {
  it('ok/concurrent-writers-make-one-verifiable-chain', async () => {
    const url = await freshDatabase();
    const stores = [await open(url), await open(url), await open(url)];
    const journals = await Promise.all(stores.map((store) => Journal.open({ store, clock })));
    cleanups.push(() => Promise.all(journals.map((j) => j.close())).then(() => {}));
    const puts = Array.from({ length: 90 }, (_, i) => journals[i % 3]!.commit({
      read: [], audit: event, decide: () => ({ ops: [{ type: 'put' as const, key: `identity/${i}`, value: bytes('v') }], result: i }),
    }));
    expect(await Promise.all(puts)).toHaveLength(90);
    expect(await verifyAudit(stores[0]!, { roots: pki.roots })).toEqual({ ok: true, records: 90, checkpoints: 0, head: { seq: 90, hash: expect.any(String) } });
    const seqs: number[] = [];
    for await (const [, value] of stores[1]!.entries(prefixRange(AUDIT_PREFIX))) seqs.push(parseRecord(value).seq);
    expect(seqs).toEqual(Array.from({ length: 90 }, (_, i) => i + 1));
  });

  it('ok/one-time-secret-spent-once-across-replicas', async () => {
    const url = await freshDatabase();
    const stores = [await open(url), await open(url), await open(url)];
    const journals = await Promise.all(stores.map((store) => Journal.open({ store, clock })));
    cleanups.push(() => Promise.all(journals.map((j) => j.close())).then(() => {}));
    await stores[0]!.write([{ type: 'put', key: 'ticket/t', value: bytes('unused') }]);
    const spend = (journal: Journal) => journal.commit({
      read: ['ticket/t'], audit: event,
      decide: (current) => {
        const before = current.get('ticket/t');
        if (text(before) !== 'unused') throw new TesseraError('ERR_TICKET_USED', 'used');
        return { ops: [{ type: 'put' as const, key: 'ticket/t', value: bytes('used'), expected: before! }], result: 'ok' };
      },
    });
    const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => spend(journals[i % 3]!)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(Array(49).fill('ERR_TICKET_USED'));
    expect(await verifyAudit(stores[2]!, { roots: pki.roots })).toMatchObject({ ok: true, records: 50 });
  });
});
