/**
 * Revoking an orchestrator: its unredeemed spawn tickets die with it; its live
 * agents go too only with the operator's explicit cascade. A ban keeps a name
 * from attesting independently of revocation entries, until it is lifted.
 */
import { status } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { createCsr } from '../../agent-sdk/csr.js';
import { CaClient } from '../../agent-sdk/ca-client.js';
import { joinTokenClient } from '../../node-attestor/join-token/client.js';
import { type TestCa, startTestCa } from '../helpers/ca-server.js';
import { attestOrchestrator, newKey } from '../helpers/agents.js';
import { activate, auditAfter, closeAll, expectDenied, headSequence, presenting, refusal, spawnAgent } from '../helpers/task-agents.js';

let t: TestCa;
afterEach(async () => {
  closeAll();
  await t?.close();
});

const rows = (records: Awaited<ReturnType<typeof auditAfter>>) => records.map((r) => [r.operation, r.outcome, r.reason]);

async function attestWithNewToken(name: string) {
  const { token } = await t.admin.createJoinToken({ orchestrator: name });
  const client = new CaClient({ endpoints: t.endpoints, bundle: t.ca.authority.bundle });
  try {
    return await client.attest(joinTokenClient(token), createCsr(newKey()));
  } finally {
    client.close();
  }
}

describe('revoking an orchestrator', () => {
  it('fail/its unredeemed spawn ticket no longer activates (audited); without cascade its live agent keeps renewing', async () => {
    t = await startTestCa();
    const orchestrator = await attestOrchestrator(t, 'orch-a');
    const live = await spawnAgent(t, orchestrator);
    const pending = await presenting(t, orchestrator).spawn({ taskId: 'task-2', sponsor: 'user:alice' });
    await t.admin.revoke({ agent: orchestrator.id.toString(), reason: 'host compromised' });

    await expectDenied(t, () => activate(t, pending.ticket), 'ERR_REVOKED', status.PERMISSION_DENIED, 'activate');
    await live.ca.renew(createCsr(newKey()));
  });

  it('ok/--cascade: every task it has agents in is revoked, audited as revoke.cascade; another orchestrator\'s agent stays', async () => {
    t = await startTestCa();
    const [a, b] = [await attestOrchestrator(t, 'orch-a'), await attestOrchestrator(t, 'orch-b')];
    const agents = [await spawnAgent(t, a, { taskId: 'task-1' }), await spawnAgent(t, a, { taskId: 'task-2' })];
    const other = await spawnAgent(t, b, { taskId: 'task-1' });
    const before = await headSequence(t);

    const entries = await t.admin.revoke({ agent: a.id.toString(), cascade: true, reason: 'host compromised' });
    expect(entries.map((e) => [e.kind, e.target])).toEqual([['agent', a.id.toString()], ['task', 'orch-a/task-1'], ['task', 'orch-a/task-2']]);
    expect(rows(await auditAfter(t, before))).toEqual([
      ['revoke.agent', 'allowed', ''], ['revoke.cascade', 'allowed', ''], ['revoke.task', 'allowed', ''], ['revoke.task', 'allowed', ''],
    ]);
    for (const agent of agents) await refusal(agent.ca.renew(createCsr(newKey())), 'ERR_REVOKED', status.PERMISSION_DENIED);
    await other.ca.renew(createCsr(newKey()));
  });

  it('fail/--cascade on anything but an orchestrator is refused, audited, and revokes nothing', async () => {
    t = await startTestCa();
    const orchestrator = await attestOrchestrator(t, 'orch-a');
    const agent = await spawnAgent(t, orchestrator);
    await expectDenied(t, () => t.admin.revoke({ agent: agent.svid.id.toString(), cascade: true }), 'ERR_INVALID_ARGUMENT', status.INVALID_ARGUMENT, 'revoke.cascade');
    await expectDenied(t, () => t.admin.revoke({ task: 'orch-a/task-1', cascade: true }), 'ERR_INVALID_ARGUMENT', status.INVALID_ARGUMENT, 'revoke');
    await agent.ca.renew(createCsr(newKey()));
  });
});

describe('revoking a task', () => {
  it('fail/a task that never existed -> ERR_NOT_FOUND, audited, no entry', async () => {
    t = await startTestCa();
    await attestOrchestrator(t, 'orch-a');
    await expectDenied(t, () => t.admin.revoke({ task: 'orch-a/no-such-task' }), 'ERR_NOT_FOUND', status.NOT_FOUND, 'revoke.task');
  });

  it('ok/a task whose only agent is an unredeemed ticket exists: revoked, and the ticket is dead', async () => {
    t = await startTestCa();
    const orchestrator = await attestOrchestrator(t, 'orch-a');
    const pending = await presenting(t, orchestrator).spawn({ taskId: 'task-1', sponsor: 'user:alice' });
    expect((await t.admin.revoke({ task: 'orch-a/task-1' })).map((e) => e.kind)).toEqual(['task']);
    await refusal(activate(t, pending.ticket), 'ERR_REVOKED');
  });
});

describe('banning an orchestrator', () => {
  it('fail/a banned name cannot attest (ERR_BANNED, audited, its join token not used up), also after a restart, until unbanned', async () => {
    t = await startTestCa();
    // Never attested: no identity and no revocation entry, the ban alone refuses.
    expect(await t.admin.banOrchestrator({ orchestrator: 'orch-a', reason: 'decommissioned' })).toEqual({ banned: true, entries: [] });
    expect((await t.admin.banOrchestrator({ orchestrator: 'orch-a' })).banned).toBe(false);
    const { token } = await t.admin.createJoinToken({ orchestrator: 'orch-a' });
    const attest = () => {
      const client = new CaClient({ endpoints: t.endpoints, bundle: t.ca.authority.bundle });
      return client.attest(joinTokenClient(token), createCsr(newKey())).finally(() => client.close());
    };
    await expectDenied(t, attest, 'ERR_BANNED', status.PERMISSION_DENIED, 'attest');
    await t.restart();
    await refusal(attest(), 'ERR_BANNED');

    const before = await headSequence(t);
    expect(await t.admin.unbanOrchestrator('orch-a')).toBe(true);
    expect(await t.admin.unbanOrchestrator('orch-a')).toBe(false);
    expect(rows(await auditAfter(t, before))).toEqual([['orchestrator.unban', 'allowed', ''], ['orchestrator.unban', 'allowed', '']]);
    // The same join token works now: the refusals did not use it up.
    expect((await attest()).id.toString()).toBe('spiffe://tessera.local/orchestrator/orch-a');
  });

  it('ok/banning an attested orchestrator revokes its identity; unbanning leaves that revocation in force', async () => {
    t = await startTestCa();
    const orchestrator = await attestOrchestrator(t, 'orch-a');
    const before = await headSequence(t);
    const { banned, entries } = await t.admin.banOrchestrator({ orchestrator: 'orch-a' });
    expect([banned, entries.map((e) => [e.kind, e.target])]).toEqual([true, [['agent', orchestrator.id.toString()]]]);
    expect(rows(await auditAfter(t, before))).toEqual([['orchestrator.ban', 'allowed', ''], ['revoke.agent', 'allowed', '']]);
    await refusal(presenting(t, orchestrator).spawn({ taskId: 'task-1', sponsor: 'user:alice' }), 'ERR_REVOKED');
    await t.admin.unbanOrchestrator('orch-a');
    await refusal(attestWithNewToken('orch-a'), 'ERR_REVOKED');
  });

  it('fail/a malformed name is refused and audited', async () => {
    t = await startTestCa();
    await expectDenied(t, () => t.admin.banOrchestrator({ orchestrator: '../admin' }), 'ERR_SPIFFE_ID_INVALID', status.INVALID_ARGUMENT, 'orchestrator.ban');
    await expectDenied(t, () => t.admin.unbanOrchestrator(''), 'ERR_SPIFFE_ID_INVALID', status.INVALID_ARGUMENT, 'orchestrator.unban');
  });
});
