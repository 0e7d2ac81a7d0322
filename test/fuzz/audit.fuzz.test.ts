import fc from 'fast-check';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Journal } from '../../ca/audit/journal.js';
import { auditKey } from '../../ca/audit/record.js';
import { verifyAudit } from '../../ca/audit/verify.js';
import { LevelStore } from '../../ca/store/level-store.js';
import { createAuditPki, type AuditPki } from '../helpers/audit-signer.js';
import { FUZZ_RUNS } from '../helpers/fuzz.js';

const RECORDS = 40;
let dir: string;
let store: LevelStore;
let pki: AuditPki;

beforeAll(async () => {
  pki = await createAuditPki();
  dir = await mkdtemp(join(tmpdir(), 'tessera-audit-fuzz-'));
  store = await LevelStore.create(dir);
  const journal = await Journal.open({ store, clock: { now: () => Date.now() }, checkpoint: { signer: pki.signer, everyRecords: 7, everyMs: 3_600_000 } });
  for (let i = 1; i <= RECORDS; i++) {
    const allowed = i % 3 !== 0;
    if (allowed) {
      await journal.commit({
        read: [], audit: { operation: 'activate', subject: `spiffe://tessera.local/agent/o1/t1/i${i}`, task: 't1', sponsor: 'user-1' },
        decide: () => ({ ops: [], result: undefined, audit: { serial: (0x40 + i).toString(16).padStart(34, '0') } }),
      });
    } else {
      await journal.record({ operation: 'activate' }, 'denied', 'ERR_TICKET_USED');
    }
  }
  await journal.close();
});

afterAll(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

// A single-record edit: a field changed, removed or added, or the outcome flipped.
const FIELDS = ['operation', 'subject', 'task', 'sponsor', 'serial', 'outcome', 'reason', 'timeMs', 'prevHash', 'hash', 'caller', 'depth'];
const edit = fc.record({
  seq: fc.integer({ min: 1, max: RECORDS }),
  field: fc.constantFrom(...FIELDS),
  kind: fc.constantFrom('change', 'remove'),
  text: fc.stringMatching(/^[a-z0-9:/._-]{1,40}$/),
});

describe('audit verifier, fuzzed', () => {
  it('ok/any single-record edit is caught at exactly that record', async () => {
    expect((await verifyAudit(store, { roots: pki.roots })).ok).toBe(true);
    await fc.assert(fc.asyncProperty(edit, async ({ seq, field, kind, text }) => {
      const key = auditKey(seq);
      const original = (await store.get(key))!;
      const record = JSON.parse(Buffer.from(original).toString()) as Record<string, unknown>;
      const before = JSON.stringify(record);
      if (kind === 'remove') delete record[field];
      else record[field] = typeof record[field] === 'number' || field === 'depth' ? Number(record[field] ?? 0) + 1 : text;
      if (JSON.stringify(record) === before) return; // the edit changed nothing
      await store.write([{ type: 'put', key, value: Buffer.from(JSON.stringify(record)) }]);
      try {
        const result = await verifyAudit(store, { roots: pki.roots });
        expect(result.ok).toBe(false);
        expect(result.firstBadSequence).toBe(seq);
      } finally {
        await store.write([{ type: 'put', key, value: original }]);
      }
    }), { numRuns: Math.min(FUZZ_RUNS, 200) });
    expect((await verifyAudit(store, { roots: pki.roots })).ok).toBe(true);
  });
});
