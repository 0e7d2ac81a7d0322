import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { createCsr } from '../../agent-sdk/csr.js';
import { TesseraError } from '../../agent-sdk/errors.js';
import { CaClient } from '../../agent-sdk/ca-client.js';
import { readCsrKey } from '../../ca/authority/csr.js';
import { FUZZ_RUNS } from '../helpers/fuzz.js';
import { type TestCa, startTestCa } from '../helpers/ca-server.js';
import { attestOrchestrator, clientWith, newKey } from '../helpers/agents.js';

const valid = createCsr(newKey());

/** A CSR with one of: a byte changed, bytes cut off the end, bytes inserted, a length byte bumped. */
const mutated = fc.oneof(
  fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 1, max: 255 })).map(([at, xor]) => {
    const copy = Buffer.from(valid);
    copy[at]! ^= xor;
    return copy;
  }),
  fc.nat(valid.length - 1).map((n) => valid.subarray(0, n)),
  fc.tuple(fc.nat(valid.length), fc.uint8Array({ minLength: 1, maxLength: 8 })).map(([at, bytes]) =>
    Buffer.concat([valid.subarray(0, at), bytes, valid.subarray(at)])),
  fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b)),
);

function expectRefused(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TesseraError);
    expect((err as TesseraError).code).toBe('ERR_CSR_INVALID');
    return;
  }
  throw new Error('a mutated CSR was accepted');
}

let t: TestCa | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('CSR path, fuzzed', () => {
  it('ok/mutated and truncated DER is always refused with ERR_CSR_INVALID, never a crash', () => {
    fc.assert(fc.property(mutated, (csr) => {
      // A flip inside the ECDSA signature's DER padding could in theory still verify; nothing else may.
      if (csr.equals(valid)) return;
      expectRefused(() => readCsrKey(csr));
    }), { numRuns: FUZZ_RUNS * 10 });
  });

  it('ok/over gRPC: mutated CSRs issue nothing and do not use up the ticket', async () => {
    t = await startTestCa();
    const orchestrator = await attestOrchestrator(t, 'orch-fuzz');
    const spawner = clientWith(t.endpoints, t.ca.authority.bundle, orchestrator);
    const { ticket } = await spawner.spawn({ taskId: 'fuzz', sponsor: 'user-1' });
    const client = new CaClient({ endpoints: t.endpoints, bundle: t.ca.authority.bundle });
    try {
      const samples = fc.sample(mutated, Math.min(FUZZ_RUNS, 200)).filter((csr) => !csr.equals(valid));
      for (const csr of samples) {
        await expect(client.activate(ticket, csr)).rejects.toMatchObject({ code: 'ERR_CSR_INVALID' });
      }
      // The ticket is still good: refusals happened before it was touched.
      const key = newKey();
      const issued = await client.activate(ticket, createCsr(key));
      expect(issued.id.toString()).toContain('/agent/orch-fuzz/fuzz/');
      const { records } = await t.admin.listAuditRecords({ limit: 1000 });
      expect(records.filter((r) => r.operation === 'activate' && r.outcome === 'allowed')).toHaveLength(1);
      expect(records.filter((r) => r.operation === 'activate' && r.reason === 'ERR_CSR_INVALID')).toHaveLength(samples.length);
    } finally {
      client.close();
      spawner.close();
    }
  });
});
