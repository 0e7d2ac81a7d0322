import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CaClient } from '../../agent-sdk/ca-client.js';
import { createCsr } from '../../agent-sdk/csr.js';
import type { X509Svid } from '../../agent-sdk/svid.js';
import type { AuditRecord__Output } from '../../agent-sdk/gen/tessera/v1/AuditRecord.js';
import {
  CHECKPOINT_PREFIX, auditKey, encodeRecord, hashRecord, parseRecord, parseSequenceKey, prefixRange,
} from '../../ca/audit/record.js';
import { verifyAudit } from '../../ca/audit/verify.js';
import { LevelStore } from '../../ca/store/level-store.js';
import { type TestCa, startTestCa } from '../helpers/ca-server.js';
import { attestOrchestrator, clientWith, newKey, toSvid } from '../helpers/agents.js';

let t: TestCa;
let store: LevelStore | undefined;
const clients: CaClient[] = [];
afterEach(async () => {
  clients.splice(0).forEach((c) => c.close());
  await store?.close();
  store = undefined;
  await t?.close();
});
const track = (c: CaClient) => (clients.push(c), c);

async function allRecords(): Promise<AuditRecord__Output[]> {
  const all: AuditRecord__Output[] = [];
  for (;;) {
    const { records } = await t.admin.listAuditRecords({ afterSequence: all.at(-1)?.sequence ?? 0, limit: 1000 });
    if (records.length === 0) return all;
    all.push(...records);
  }
}

/** Attests an orchestrator, spawns, activates and renews an agent, and tries a used ticket (a denial). */
async function makeHistory(): Promise<{ agent: X509Svid }> {
  const orchestrator = await attestOrchestrator(t, 'orch-a');
  const { ticket } = await track(clientWith(t.endpoints, t.ca.authority.bundle, orchestrator)).spawn({ taskId: 'task-1', sponsor: 'user-42' });
  const anonymous = track(new CaClient({ endpoints: t.endpoints, bundle: t.ca.authority.bundle }));
  const key = newKey();
  const agent = toSvid(await anonymous.activate(ticket, createCsr(key)), key);
  await expect(anonymous.activate(ticket, createCsr(newKey()))).rejects.toMatchObject({ code: 'ERR_TICKET_USED' });
  return { agent };
}

/**
 * A CA with some history, stopped (LevelDB is one process only), and its store
 * opened directly, as an attacker with the data directory would.
 */
async function stoppedCaStore() {
  t = await startTestCa({ config: { audit: { checkpointEveryRecords: 3 } } });
  await makeHistory();
  await attestOrchestrator(t, 'orch-b'); // so the denial is not the last record
  const records = await allRecords();
  const roots = t.ca.authority.bundle.certificates;
  await t.ca.close();
  store = await LevelStore.create(join(t.dataDir, 'store'));
  const checkpointSeqs: number[] = [];
  for await (const [key] of store.entries(prefixRange(CHECKPOINT_PREFIX))) checkpointSeqs.push(parseSequenceKey(key, CHECKPOINT_PREFIX)!);
  expect(await verifyAudit(store, { roots })).toMatchObject({ ok: true, records: records.length });
  return { store, roots, records, checkpointSeqs };
}

describe('CA restart', () => {
  it('ok/keeps its keys, its bundle and one audit chain; renews an SVID issued before the restart', async () => {
    t = await startTestCa();
    const rootBefore = Buffer.from(t.ca.authority.bundle.authorities[0]!);
    const { agent } = await makeHistory();
    const intermediateBefore = agent.certificates[1]!;
    const before = await allRecords();
    const lastBefore = before.at(-1)!;
    expect(await t.admin.verifyAudit()).toMatchObject({ ok: true, records: before.length });

    await t.restart();

    expect(t.ca.authority.bundle.authorities).toHaveLength(1);
    expect(Buffer.from(t.ca.authority.bundle.authorities[0]!).equals(rootBefore)).toBe(true);
    const bundle = await track(new CaClient({ endpoints: t.endpoints, bundle: t.ca.authority.bundle })).getTrustBundle();
    expect(Buffer.from(bundle.authorities[0]!).equals(rootBefore)).toBe(true);

    const renewed = await track(clientWith(t.endpoints, t.ca.authority.bundle, agent)).renew(createCsr(newKey()));
    expect(renewed.id.equals(agent.id)).toBe(true);
    expect(renewed.certificates[1]!.equals(intermediateBefore)).toBe(true); // same intermediate: same keys

    const after = await allRecords();
    expect(after.slice(0, before.length)).toEqual(before);
    const firstAfter = after[before.length]!;
    expect(firstAfter.sequence).toBe(lastBefore.sequence + 1);
    expect(firstAfter.prevHash).toBe(lastBefore.hash);
    expect(after.filter((r) => r.operation === 'renew' && r.outcome === 'allowed' && r.subject === agent.id.toString())).toHaveLength(1);
    const verified = await t.admin.verifyAudit();
    expect(verified).toMatchObject({ ok: true, records: after.length });
    expect(verified.records).toBeGreaterThan(before.length);
  });
});

describe('audit tampering in the store', () => {
  it('fail/one field of one record edited -> names that record', async () => {
    const { roots, records, checkpointSeqs } = await stoppedCaStore();
    const spawn = records.find((r) => r.operation === 'spawn' && r.outcome === 'allowed')!;
    const stored = parseRecord((await store!.get(auditKey(spawn.sequence)))!);
    expect(stored.sponsor).toBe('user-42');
    await store!.write([{ type: 'put', key: auditKey(spawn.sequence), value: encodeRecord({ ...stored, sponsor: 'user-1' }) }]);
    expect(await verifyAudit(store!, { roots })).toMatchObject({ ok: false, firstBadSequence: spawn.sequence, reason: 'hash_mismatch' });

    // Rehashing the edited record moves the break to the next link (or to the checkpoint that signed
    // this very record, when one did), and still names where.
    const { hash: _old, ...unsealed } = { ...stored, sponsor: 'user-1' };
    await store!.write([{ type: 'put', key: auditKey(spawn.sequence), value: encodeRecord({ ...unsealed, hash: hashRecord(unsealed) }) }]);
    expect(await verifyAudit(store!, { roots })).toMatchObject(checkpointSeqs.includes(spawn.sequence)
      ? { ok: false, firstBadSequence: spawn.sequence, reason: 'checkpoint_hash_mismatch' }
      : { ok: false, firstBadSequence: spawn.sequence + 1, reason: 'prev_hash_mismatch' });
  });

  it('fail/one record (a denial) deleted -> names it', async () => {
    const { roots, records } = await stoppedCaStore();
    const denied = records.find((r) => r.operation === 'activate' && r.outcome === 'denied')!;
    await store!.write([{ type: 'del', key: auditKey(denied.sequence) }]);
    expect(await verifyAudit(store!, { roots })).toMatchObject({
      ok: false, records: denied.sequence - 1, firstBadSequence: denied.sequence, reason: 'sequence_gap',
    });
  });

  it('fail/tail cut below the last signed checkpoint -> truncated_below_checkpoint, and the CA refuses to start', async () => {
    const { roots, records, checkpointSeqs } = await stoppedCaStore();
    expect(checkpointSeqs.length).toBeGreaterThanOrEqual(3);
    // Cut from the record a periodic checkpoint signed (not just the one written at close) to the end.
    const cutFrom = checkpointSeqs.at(-2)!;
    const cut = records.filter((r) => r.sequence >= cutFrom);
    expect(cut.length).toBeGreaterThanOrEqual(2);
    expect(cut.at(-1)!.sequence).toBe(checkpointSeqs.at(-1));
    await store!.write(cut.map((r) => ({ type: 'del' as const, key: auditKey(r.sequence) })));
    expect(await verifyAudit(store!, { roots })).toMatchObject({
      ok: false, records: cutFrom - 1, firstBadSequence: cutFrom, reason: 'truncated_below_checkpoint',
    });

    await store!.close();
    store = undefined;
    // Continuing would overwrite signed history: the journal refuses to open.
    await expect(t.restart()).rejects.toMatchObject({ code: 'ERR_AUDIT_CHAIN_BROKEN' });
  });
});
