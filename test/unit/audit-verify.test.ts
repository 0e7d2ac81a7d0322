import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../agent-sdk/errors.js';
import { Journal, type CheckpointSigner } from '../../ca/audit/journal.js';
import {
  auditKey, checkpointKey, encodeRecord, parseRecord, sealRecord, type AuditRecord,
} from '../../ca/audit/record.js';
import { verifyAudit } from '../../ca/audit/verify.js';
import { LevelStore } from '../../ca/store/level-store.js';
import { createAuditPki, type AuditPki } from '../helpers/audit-signer.js';

const YEAR_MS = 365 * 24 * 3600 * 1000;

let cleanups: (() => Promise<void>)[] = [];
let pki: AuditPki;
let rogue: AuditPki;

beforeAll(async () => {
  [pki, rogue] = await Promise.all([createAuditPki(), createAuditPki('Rogue')]);
});

afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

/** A fresh store holding a journal of `n` records, checkpointed every `every` records and on close. */
async function buildLog(n: number, opts: { every?: number; signer?: CheckpointSigner; nowMs?: number } = {}): Promise<LevelStore> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-verify-'));
  const store = await LevelStore.create(dir);
  cleanups.push(() => rm(dir, { recursive: true, force: true }), () => store.close());
  const nowMs = opts.nowMs ?? Date.now();
  const journal = await Journal.open({
    store, clock: { now: () => nowMs },
    checkpoint: { signer: opts.signer ?? pki.signer, everyRecords: opts.every ?? 1000, everyMs: 3_600_000 },
  });
  for (let i = 1; i <= n; i++) {
    await journal.commit({
      read: [], audit: { operation: 'renew', subject: `spiffe://tessera.local/agent/o1/t1/i${i}` },
      decide: () => ({ ops: [], result: undefined, audit: { serial: i.toString(16) } }),
    });
  }
  await journal.close();
  return store;
}

async function readRecord(store: LevelStore, seq: number): Promise<AuditRecord> {
  return parseRecord((await store.get(auditKey(seq)))!);
}

/** Rewrites record `seq` with `change` applied, recomputing its hash (and, if `rechain`, every later one). */
async function rewrite(store: LevelStore, seq: number, change: Partial<AuditRecord>, rechain = false): Promise<void> {
  let prevHash = (await readRecord(store, seq)).prevHash;
  for (let s = seq; ; s++) {
    const bytes = await store.get(auditKey(s));
    if (bytes === undefined || (s > seq && !rechain)) return;
    const { hash: _hash, seq: _seq, prevHash: _prevHash, timeMs, outcome, reason, ...event } = { ...parseRecord(bytes), ...(s === seq ? change : {}) };
    const record = sealRecord({ event, seq: s, timeMs, outcome, reason: reason as ErrorCode | undefined, prevHash });
    await store.write([{ type: 'put', key: auditKey(s), value: encodeRecord(record) }]);
    prevHash = record.hash;
  }
}

describe('verifyAudit', () => {
  it('ok/untouched-log-with-checkpoints', async () => {
    const store = await buildLog(25, { every: 10 });
    expect(await verifyAudit(store, { roots: pki.roots })).toEqual({ ok: true, records: 25, checkpoints: 3, head: { seq: 25, hash: expect.stringMatching(/^[0-9a-f]{64}$/) } });
  });

  it('ok/empty-log', async () => {
    const store = await buildLog(0);
    expect(await verifyAudit(store, { roots: pki.roots })).toEqual({ ok: true, records: 0, checkpoints: 0, head: { seq: 0, hash: '0'.repeat(64) } });
  });

  it('fail/edited-field', async () => {
    const store = await buildLog(10);
    const edited = { ...(await readRecord(store, 5)), subject: 'spiffe://tessera.local/agent/o1/t1/someone-else' };
    await store.write([{ type: 'put', key: auditKey(5), value: encodeRecord(edited) }]);
    expect(await verifyAudit(store, { roots: pki.roots })).toMatchObject({ ok: false, reason: 'hash_mismatch', firstBadSequence: 5, records: 4 });
  });

  it('fail/edited-field-with-recomputed-hash', async () => {
    const store = await buildLog(10);
    await rewrite(store, 5, { serial: 'ff' });
    expect(await verifyAudit(store, { roots: pki.roots })).toMatchObject({ ok: false, reason: 'prev_hash_mismatch', firstBadSequence: 6 });
  });

  it('fail/history-rewritten-and-rechained-caught-by-checkpoint', async () => {
    const store = await buildLog(12, { every: 10 });
    await rewrite(store, 5, { serial: 'ff' }, true);
    expect(await verifyAudit(store, { roots: pki.roots })).toMatchObject({ ok: false, reason: 'checkpoint_hash_mismatch', firstBadSequence: 10 });
  });

  it('fail/deleted-record', async () => {
    const store = await buildLog(10);
    await store.write([{ type: 'del', key: auditKey(5) }]);
    expect(await verifyAudit(store, { roots: pki.roots })).toMatchObject({ ok: false, reason: 'sequence_gap', firstBadSequence: 5, records: 4 });
  });

  it('fail/malformed-record', async () => {
    const store = await buildLog(10);
    const extra = { ...JSON.parse(new TextDecoder().decode(await store.get(auditKey(3)))), ticket: 'x' };
    await store.write([{ type: 'put', key: auditKey(3), value: new TextEncoder().encode(JSON.stringify(extra)) }]);
    expect(await verifyAudit(store, { roots: pki.roots })).toMatchObject({ ok: false, reason: 'malformed_record', firstBadSequence: 3 });
  });

  it('fail/tail-cut-below-checkpoint', async () => {
    const store = await buildLog(10);
    await store.write([8, 9, 10].map((seq) => ({ type: 'del' as const, key: auditKey(seq) })));
    expect(await verifyAudit(store, { roots: pki.roots })).toMatchObject({ ok: false, reason: 'truncated_below_checkpoint', firstBadSequence: 8, records: 7 });
  });

  it('fail/checkpoint-signer-not-chaining-to-roots', async () => {
    const store = await buildLog(5, { signer: rogue.signer });
    expect(await verifyAudit(store, { roots: pki.roots })).toMatchObject({ ok: false, reason: 'checkpoint_signer_untrusted', firstBadSequence: 5 });
    expect(await verifyAudit(store, { roots: rogue.roots })).toMatchObject({ ok: true, checkpoints: 1 });
  });

  it('fail/checkpoint-signed-by-leaf-not-ca', async () => {
    const store = await buildLog(5, { signer: pki.leafSigner });
    expect(await verifyAudit(store, { roots: pki.roots })).toMatchObject({ ok: false, reason: 'checkpoint_signer_untrusted', firstBadSequence: 5 });
  });

  it('fail/checkpoint-signed-after-signer-expired', async () => {
    const store = await buildLog(5, { nowMs: Date.now() + 2 * YEAR_MS });
    expect(await verifyAudit(store, { roots: pki.roots })).toMatchObject({ ok: false, reason: 'checkpoint_signer_untrusted', firstBadSequence: 5 });
  });

  it('fail/checkpoint-signature-does-not-cover-claimed-head', async () => {
    const store = await buildLog(5);
    const checkpoint = JSON.parse(new TextDecoder().decode(await store.get(checkpointKey(5))));
    checkpoint.timeMs += 1;
    await store.write([{ type: 'put', key: checkpointKey(5), value: new TextEncoder().encode(JSON.stringify(checkpoint)) }]);
    expect(await verifyAudit(store, { roots: pki.roots })).toMatchObject({ ok: false, reason: 'checkpoint_signature_invalid', firstBadSequence: 5 });
  });
});
