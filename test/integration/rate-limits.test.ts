/**
 * The CA's rate limits (config `rateLimits`) over real gRPC with an injected
 * clock: each class refuses with ERR_RATE_LIMITED (RESOURCE_EXHAUSTED) once its
 * bucket is empty, issues nothing and uses up no one-time secret, and is
 * audited once per burst, with the count of the refusals that followed when
 * the burst ends.
 */
import { status } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { CaClient } from '../../agent-sdk/ca-client.js';
import { createCsr } from '../../agent-sdk/csr.js';
import type { AuditRecord__Output } from '../../agent-sdk/gen/tessera/v1/AuditRecord.js';
import type { X509Svid } from '../../agent-sdk/svid.js';
import type { RateClass } from '../../ca/config.js';
import { joinTokenClient } from '../../node-attestor/join-token/client.js';
import { attestOrchestrator, clientWith, newKey, toSvid } from '../helpers/agents.js';
import { type TestCa, startTestCa } from '../helpers/ca-server.js';
import { activate, auditAfter, closeAll, headSequence, presenting, refusal, spawnAgent } from '../helpers/task-agents.js';

let offsetMs = 0;
// Time moves only when a test moves it: on a loaded machine, real seconds between two calls
// would refill a bucket or end a burst the test counts on.
let frozenAtMs = Date.now();
const clock = { now: () => frozenAtMs + offsetMs };
let t: TestCa | undefined;
const clients: CaClient[] = [];
afterEach(async () => {
  closeAll();
  clients.splice(0).forEach((c) => c.close());
  await t?.close();
  t = undefined;
  offsetMs = 0;
  frozenAtMs = Date.now();
});

/** One token every 2 s on the injected clock; bursts end after 1 s without a refusal. */
const slow = (burst: number) => ({ perSecond: 0.5, burst });
const start = async (rateLimits: Record<string, unknown>) => (t = await startTestCa({ clock, config: { rateLimits: { auditInterval: '1s', ...rateLimits } } }));
const publicClient = (ca: TestCa) => {
  const client = new CaClient({ endpoints: ca.endpoints, bundle: ca.ca.authority.bundle });
  clients.push(client);
  return client;
};
const rows = (records: AuditRecord__Output[]) => records.map((r) => ({
  operation: r.operation, outcome: r.outcome, reason: r.reason, caller: r.caller, address: r.address, count: r.count,
}));

/** Renews `svid` with a fresh key and returns the new SVID (only the newest may renew again). */
async function renewed(ca: TestCa, svid: X509Svid): Promise<X509Svid> {
  const key = newKey();
  return toSvid(await presenting(ca, svid).renew(createCsr(key)), key);
}

interface Case {
  operation: string;
  /** Who the limit is keyed by, as the audit record names it. */
  key: 'caller' | 'address';
  /** Sets the scene; `call(n)` is the n-th call (0: allowed, 1-3: refused, 4: after the bucket refilled). */
  prepare(ca: TestCa): Promise<{ caller?: string; call(n: number): Promise<unknown> }>;
}

const CASES: Record<RateClass, Case> = {
  attest: {
    operation: 'attest', key: 'address',
    async prepare(ca) {
      // The refused calls present the join token of the last call: it must still work then.
      const tokens = [(await ca.admin.createJoinToken({ orchestrator: 'orch-a' })).token, (await ca.admin.createJoinToken({ orchestrator: 'orch-b' })).token];
      return { call: (n) => publicClient(ca).attest(joinTokenClient(tokens[n === 0 ? 0 : 1]!), createCsr(newKey())) };
    },
  },
  activate: {
    operation: 'activate', key: 'address',
    async prepare(ca) {
      const spawner = presenting(ca, await attestOrchestrator(ca, 'orch-a'));
      const tickets = [(await spawner.spawn({ taskId: 'task-1', sponsor: 'user:alice' })).ticket, (await spawner.spawn({ taskId: 'task-1', sponsor: 'user:alice' })).ticket];
      return { call: (n) => publicClient(ca).activate(tickets[n === 0 ? 0 : 1]!, createCsr(newKey())) };
    },
  },
  spawn: {
    operation: 'spawn', key: 'caller',
    async prepare(ca) {
      const orchestrator = await attestOrchestrator(ca, 'orch-a');
      return { caller: orchestrator.id.toString(), call: () => presenting(ca, orchestrator).spawn({ taskId: 'task-1', sponsor: 'user:alice' }) };
    },
  },
  renew: {
    operation: 'renew', key: 'caller',
    async prepare(ca) {
      let { svid } = await spawnAgent(ca, await attestOrchestrator(ca, 'orch-a'));
      return { caller: svid.id.toString(), call: async () => (svid = await renewed(ca, svid)) };
    },
  },
  token: {
    operation: 'token.mint', key: 'caller',
    async prepare(ca) {
      const agent = await spawnAgent(ca, await attestOrchestrator(ca, 'orch-a'), { scopes: ['search:query'] });
      return { caller: agent.svid.id.toString(), call: () => agent.ca.mintJwtSvid({ audience: 'spiffe://tessera.local/service/search', scopes: ['search:query'] }) };
    },
  },
  delegate: {
    operation: 'delegate.prepare', key: 'caller',
    async prepare(ca) {
      const agent = await spawnAgent(ca, await attestOrchestrator(ca, 'orch-a'), { scopes: ['search:query'] });
      return { caller: agent.svid.id.toString(), call: () => agent.ca.prepareDelegation({ scopes: ['search:query'] }) };
    },
  },
  release: {
    operation: 'task.complete', key: 'caller',
    async prepare(ca) {
      const orchestrator = await attestOrchestrator(ca, 'orch-a');
      return { caller: orchestrator.id.toString(), call: (n) => presenting(ca, orchestrator).completeTask(`task-${n}`) };
    },
  },
};

describe('rate limits', () => {
  for (const [rateClass, c] of Object.entries(CASES) as Array<[RateClass, Case]>) {
    it(`fail/${rateClass}: beyond the burst -> ERR_RATE_LIMITED (RESOURCE_EXHAUSTED), nothing issued, one audit record for the burst`, async () => {
      const ca = await start({ [rateClass]: slow(1) });
      const scene = await c.prepare(ca);
      await scene.call(0);
      const before = await headSequence(ca);
      for (let n = 1; n <= 3; n++) {
        const err = await refusal(scene.call(n), 'ERR_RATE_LIMITED', status.RESOURCE_EXHAUSTED);
        expect(err.message).toMatch(/retry in \d+ s/);
      }
      const who = c.key === 'caller' ? { caller: scene.caller, address: '' } : { caller: '', address: '127.0.0.1' };
      expect(rows(await auditAfter(ca, before))).toEqual([{ operation: c.operation, outcome: 'denied', reason: 'ERR_RATE_LIMITED', ...who, count: 0 }]);

      // The bucket refills on the CA's clock; the burst's summary counts the two refusals after the first.
      offsetMs += 3_000;
      await scene.call(4);
      const after = rows(await auditAfter(ca, before));
      expect(after[1]).toEqual({ operation: c.operation, outcome: 'denied', reason: 'ERR_RATE_LIMITED', ...who, count: 2 });
      expect(after.slice(2).map((r) => [r.operation, r.outcome])).toContainEqual([c.operation, 'allowed']);
    });
  }

  it('ok/the records of bursts account for every refusal; other callers are not affected; open counts are written at shutdown', async () => {
    const ca = await start({ renew: slow(2) });
    const orchestrator = await attestOrchestrator(ca, 'orch-a');
    let a = (await spawnAgent(ca, orchestrator)).svid;
    let b = (await spawnAgent(ca, orchestrator)).svid;
    const before = await headSequence(ca);
    a = await renewed(ca, a);
    a = await renewed(ca, a);
    for (let n = 0; n < 5; n++) await refusal(renewed(ca, a), 'ERR_RATE_LIMITED');
    b = await renewed(ca, b); // another key, its own bucket
    offsetMs += 3_000;
    a = await renewed(ca, a);
    // The bucket is empty again: a second burst, with a record of its own.
    for (let n = 0; n < 3; n++) await refusal(renewed(ca, a), 'ERR_RATE_LIMITED');
    await ca.restart();

    const limited = (await auditAfter(ca, before)).filter((r) => r.reason === 'ERR_RATE_LIMITED');
    expect(limited.every((r) => r.operation === 'renew' && r.caller === a.id.toString())).toBe(true);
    // Burst 1: its first refusal, then 4 more when it ended. Burst 2: its first, then 2 more at shutdown.
    expect(limited.map((r) => r.count)).toEqual([0, 4, 0, 2]);
    expect(limited.reduce((n, r) => n + (r.count || 1), 0)).toBe(8);
    expect((await ca.admin.verifyAudit()).ok).toBe(true);
  });

  it('fail/a revoked agent that keeps calling is limited too: one ERR_REVOKED record, then one record for the burst', async () => {
    const ca = await start({ renew: slow(1) });
    const { svid } = await spawnAgent(ca, await attestOrchestrator(ca, 'orch-a'));
    await ca.admin.revoke({ agent: svid.id.toString() });
    const before = await headSequence(ca);
    await refusal(renewed(ca, svid), 'ERR_REVOKED', status.PERMISSION_DENIED);
    for (let n = 0; n < 5; n++) await refusal(renewed(ca, svid), 'ERR_RATE_LIMITED', status.RESOURCE_EXHAUSTED);
    expect((await auditAfter(ca, before)).map((r) => [r.operation, r.reason, r.caller])).toEqual([
      ['renew', 'ERR_REVOKED', svid.id.toString()], ['renew', 'ERR_RATE_LIMITED', svid.id.toString()],
    ]);
  });

  it('ok/with the default limits, ordinary load from one address and one orchestrator is not limited', async () => {
    const ca = await startTestCa({ clock });
    t = ca;
    const orchestrator = await attestOrchestrator(ca, 'orch-a');
    const spawner = clientWith(ca.endpoints, ca.ca.authority.bundle, orchestrator);
    clients.push(spawner);
    const tickets = await Promise.all(Array.from({ length: 20 }, () => spawner.spawn({ taskId: 'task-1', sponsor: 'user:alice', scopes: ['search:query'] })));
    const agents = await Promise.all(tickets.map((s) => activate(ca, s.ticket)));
    await Promise.all(agents.map(async (svid) => {
      const next = await renewed(ca, svid);
      await presenting(ca, next).mintJwtSvid({ audience: 'spiffe://tessera.local/service/search', scopes: ['search:query'] });
    }));
    const records = await auditAfter(ca, 0);
    expect(records.filter((r) => r.reason === 'ERR_RATE_LIMITED')).toEqual([]);
    expect(records.filter((r) => r.operation === 'token.mint' && r.outcome === 'allowed')).toHaveLength(20);
  });
});
