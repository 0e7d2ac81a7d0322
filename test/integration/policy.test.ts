import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { createCsr } from '../../agent-sdk/csr.js';
import { TesseraError } from '../../agent-sdk/errors.js';
import { attestOrchestrator, newKey, toSvid } from '../helpers/agents.js';
import { type TestCa, startTestCa } from '../helpers/ca-server.js';
import { auditAfter, closeAll, delegate, expectDenied, headSequence, presenting, spawnAgent } from '../helpers/task-agents.js';

const POLICY = {
  orchestrators: {
    'orch-a': {
      tasks: ['research-*', 'build'], scopes: ['search:query', 'read:files:*'], maxSvidTtl: '10m', maxRenewals: 2, maxLifetime: '2h', maxDelegationDepth: 1,
    },
  },
};

let t: TestCa | undefined;
let dir: string;
afterEach(async () => {
  closeAll();
  await t?.close();
  t = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** Writes the policy file the way an editor does: beside, then renamed into place. */
async function writePolicy(policy: unknown): Promise<void> {
  const text = typeof policy === 'string' ? policy : JSON.stringify(policy);
  await writeFile(join(dir, 'policy.json.tmp'), text);
  await rename(join(dir, 'policy.json.tmp'), join(dir, 'policy.json'));
}

async function start(policy: unknown = POLICY): Promise<TestCa> {
  dir = await mkdtemp(join(tmpdir(), 'tessera-policy-'));
  await writePolicy(policy);
  t = await startTestCa({ config: { policyFile: join(dir, 'policy.json'), policyPoll: '50ms' } });
  return t;
}

/** Waits until `check` passes (the policy file is polled), or fails after 5 s. */
async function eventually(check: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

describe('policy ceilings over real gRPC', () => {
  it('ok/a spawn within the ceiling; fail/beyond it by task id, scope, TTL, or from an orchestrator the policy does not name -> ERR_POLICY_DENIED, audited', async () => {
    const ca = await start();
    const orchestrator = await attestOrchestrator(ca, 'orch-a');
    const client = presenting(ca, orchestrator);
    const within = await spawnAgent(ca, orchestrator, { taskId: 'research-7', scopes: ['search:query', 'read:files:42'], ttlMs: 600_000 });
    expect(within.svid.expiresAtMs - Date.now()).toBeGreaterThan(590_000);
    const beyond = [
      { taskId: 'deploy-1', scopes: ['search:query'] },
      { taskId: 'Research-7', scopes: [] },
      { taskId: 'build-2', scopes: [] },
      { taskId: 'research-7', scopes: ['write:files:1'] },
      { taskId: 'research-7', scopes: ['read:files'] },
      { taskId: 'research-7', scopes: ['search:*'] },
      { taskId: 'research-7', scopes: ['*:*:*'] },
      { taskId: 'research-7', scopes: [], ttlMs: 601_000 },
    ];
    for (const request of beyond) {
      const denied = await expectDenied(ca, () => client.spawn({ sponsor: 'user:alice', ...request }), 'ERR_POLICY_DENIED', status.PERMISSION_DENIED, 'spawn');
      expect(denied).toMatchObject({ caller: orchestrator.id.toString(), orchestrator: 'orch-a', task: request.taskId, sponsor: 'user:alice', depth: 0 });
    }
    const stranger = await attestOrchestrator(ca, 'orch-b');
    await expectDenied(ca, () => presenting(ca, stranger).spawn({ taskId: 'build', sponsor: 'user:alice' }), 'ERR_POLICY_DENIED', status.PERMISSION_DENIED, 'spawn');
    // Lifetime: the policy gives this agent 2 h in all, so a sub-agent cannot have 3 h.
    await expectDenied(ca, () => within.ca.prepareDelegation({ scopes: ['search:query'], lifetimeMs: 3 * 3_600_000 }),
      'ERR_DELEGATION_DENIED', status.PERMISSION_DENIED, 'delegate.prepare');
    // Depth: this policy allows one delegation below an agent, not two.
    const child = await delegate(ca, within, { scopes: ['search:query'] });
    expect(child.svid.id.segments[2]).toBe('research-7');
    await expectDenied(ca, () => child.ca.prepareDelegation({ scopes: ['search:query'] }), 'ERR_POLICY_DENIED', status.PERMISSION_DENIED, 'delegate.prepare');
  });

  it('ok/renewals follow the policy: its renewal cap, and a ceiling narrowed since the spawn', async () => {
    const ca = await start();
    const orchestrator = await attestOrchestrator(ca, 'orch-a');
    let agent = (await spawnAgent(ca, orchestrator, { taskId: 'build', scopes: ['read:files:*'] })).svid;
    for (let i = 0; i < 2; i++) {
      const key = newKey();
      agent = toSvid(await presenting(ca, agent).renew(createCsr(key)), key);
    }
    await expectDenied(ca, () => presenting(ca, agent).renew(createCsr(newKey())), 'ERR_RENEWAL_LIMIT', status.PERMISSION_DENIED, 'renew');

    const other = (await spawnAgent(ca, orchestrator, { taskId: 'build', scopes: ['read:files:*'] })).svid;
    const before = await headSequence(ca);
    await writePolicy({ orchestrators: { 'orch-a': { ...POLICY.orchestrators['orch-a'], scopes: ['read:files:1'] } } });
    await eventually(async () => {
      expect((await auditAfter(ca, before)).map((r) => [r.operation, r.outcome])).toEqual([['policy.reload', 'allowed']]);
    });
    await expectDenied(ca, () => presenting(ca, other).renew(createCsr(newKey())), 'ERR_POLICY_DENIED', status.PERMISSION_DENIED, 'renew');
  });

  it('ok/the policy reloads on change; fail/an invalid new policy keeps the old one, logged and audited', async () => {
    const ca = await start();
    const orchestrator = await attestOrchestrator(ca, 'orch-a');
    const client = presenting(ca, orchestrator);
    await expectDenied(ca, () => client.spawn({ taskId: 'deploy-1', sponsor: 'user:alice' }), 'ERR_POLICY_DENIED', status.PERMISSION_DENIED, 'spawn');

    const before = await headSequence(ca);
    await writePolicy({ orchestrators: { 'orch-a': { tasks: ['deploy-*'], scopes: ['deploy:prod'] } } });
    await eventually(async () => {
      await client.spawn({ taskId: 'deploy-1', sponsor: 'user:alice', scopes: ['deploy:prod'] });
    });
    const reloads = (await auditAfter(ca, before)).filter((r) => r.operation === 'policy.reload');
    expect(reloads.map((r) => r.outcome)).toEqual(['allowed']);

    const beforeBad = await headSequence(ca);
    await writePolicy({ orchestrators: { 'orch-a': { tasks: ['*'], scopes: ['NOT A SCOPE'] } } });
    await eventually(async () => {
      const records = (await auditAfter(ca, beforeBad)).filter((r) => r.operation === 'policy.reload');
      expect(records.map((r) => [r.outcome, r.reason])).toEqual([['denied', 'ERR_POLICY_INVALID']]);
    });
    // The previous policy is still in force: deploy-* yes, research-* no.
    await client.spawn({ taskId: 'deploy-2', sponsor: 'user:alice', scopes: ['deploy:prod'] });
    await expectDenied(ca, () => client.spawn({ taskId: 'research-1', sponsor: 'user:alice' }), 'ERR_POLICY_DENIED', status.PERMISSION_DENIED, 'spawn');
    await writePolicy('{ not json');
    expect(await ca.ca.policy.reload()).toBe(false);
    await client.spawn({ taskId: 'deploy-3', sponsor: 'user:alice', scopes: ['deploy:prod'] });
    expect((await ca.admin.verifyAudit()).ok).toBe(true);
  });

  it('fail/the CA does not start on an invalid or missing policy file -> ERR_POLICY_INVALID', async () => {
    for (const policy of [{ orchestrators: { 'orch-a': { tasks: ['a/b'], scopes: [] } } }, '[]']) {
      const err = await start(policy).then(() => expect.fail('started'), (e: unknown) => e);
      expect(err).toBeInstanceOf(TesseraError);
      expect((err as TesseraError).code).toBe('ERR_POLICY_INVALID');
      await rm(dir, { recursive: true, force: true });
    }
    dir = await mkdtemp(join(tmpdir(), 'tessera-policy-'));
    const missing = await startTestCa({ config: { policyFile: join(dir, 'nope.json') } }).then(() => expect.fail('started'), (e: unknown) => e);
    expect((missing as TesseraError).code).toBe('ERR_POLICY_INVALID');
  });
});
