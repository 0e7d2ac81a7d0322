/**
 * Flow 8: an agent releases its identity when its task is done, and an
 * orchestrator completes a task. Both revoke what was issued for it, audited;
 * afterwards nothing of it can authenticate, and the inventory says so.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CaClient } from '../../agent-sdk/ca-client.js';
import { createCsr } from '../../agent-sdk/csr.js';
import { staticSource } from '../../agent-sdk/source.js';
import type { X509Svid } from '../../agent-sdk/svid.js';
import { X509Source } from '../../agent-sdk/x509-source.js';
import { status as grpcStatus } from '@grpc/grpc-js';
import { joinTokenClient } from '../../node-attestor/join-token/client.js';
import { newKey } from '../helpers/agents.js';
import { refusal } from '../helpers/task-agents.js';
import {
  type World, closedAt, connect, delegateAgent, expectLocked, expectRefused, expectWorking, spawnAgent, startWorld,
} from '../helpers/revocation-world.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** What a closed source's SVID can still try: a handshake, a renewal, a token. */
async function expectSvidLocked(w: World, svid: X509Svid): Promise<void> {
  const source = Object.assign(staticSource(svid, w.t.ca.authority.bundle), {
    caClient: w.own(new CaClient({ endpoints: w.t.endpoints, bundle: w.t.ca.authority.bundle, svid: { getX509Svid: () => svid } })),
  });
  await expectRefused(w, source as unknown as X509Source);
  await refusal(source.caClient.renew(createCsr(newKey())), 'ERR_REVOKED');
  await refusal(source.caClient.mintJwtSvid({ audience: 'spiffe://tessera.local/service/search' }), 'ERR_REVOKED');
}

const statuses = async (w: World, task: string) =>
  Object.fromEntries((await w.t.admin.listAgents({ orchestrator: 'orch-a', task })).map((a) => [a.spiffeId, a.status.replace('AGENT_STATUS_', '')]));

describe('release at task end', () => {
  it('ok/source.release(): the agent and everything it delegated to stop authenticating; its sibling stays; the inventory says released', async () => {
    world = await startWorld();
    const done = await spawnAgent(world, 'task-r');
    const sub = await delegateAgent(world, done);
    const sibling = await spawnAgent(world, 'task-r');
    const [sDone, sSub, sSibling] = await Promise.all([done, sub, sibling].map((a) => connect(world!, a)));
    const doneSvid = done.getX509Svid();
    const [doneId, subId, siblingId] = [done, sub, sibling].map((a) => a.getX509Svid().id.toString());

    const closed = Promise.all([closedAt(sDone!), closedAt(sSub!)]);
    await done.release();
    await closed;
    expect(() => done.getX509Svid()).toThrow(expect.objectContaining({ code: 'ERR_UNAVAILABLE' }));
    await expectSvidLocked(world, doneSvid);
    await expectLocked(world, sub);
    await expectWorking(world, sibling, sSibling!);

    expect(await statuses(world, 'task-r')).toEqual({ [doneId!]: 'RELEASED', [subId!]: 'RELEASED', [siblingId!]: 'ACTIVE' });
    const { agent, descendants } = await world.t.admin.getAgent(doneId!);
    expect(agent).toMatchObject({ status: 'AGENT_STATUS_RELEASED', depth: 0, task: 'task-r', sponsor: 'user:alice' });
    expect(agent!.revocationSequence).toBeGreaterThan(0);
    expect(descendants).toEqual([expect.objectContaining({ spiffeId: subId, parent: doneId, depth: 1, status: 'AGENT_STATUS_RELEASED' })]);
    const { records } = await world.t.admin.listAuditRecords({ limit: 1000 });
    expect(records.filter((r) => r.operation === 'release')).toEqual([expect.objectContaining({ outcome: 'allowed', caller: doneId, subject: doneId })]);
  });

  it('ok/orchestrator.completeTask(): nothing of the task can authenticate or join it; other tasks stay; the inventory says released', async () => {
    world = await startWorld();
    const [a1, a2] = [await spawnAgent(world, 'task-c'), await spawnAgent(world, 'task-c')];
    const sub = await delegateAgent(world, a2);
    const other = await spawnAgent(world, 'task-other');
    const sockets = await Promise.all([a1, a2, sub, other].map((a) => connect(world!, a)));
    // A ticket issued before the task ends, redeemed after: refused.
    const late = await world.orchestrator.spawn('task-c', { sponsor: 'user:alice' });

    const closed = Promise.all(sockets.slice(0, 3).map(closedAt));
    const entries = await world.orchestrator.completeTask('task-c');
    expect(entries).toEqual([expect.objectContaining({ kind: 'task', target: 'orch-a/task-c', cause: 'task_completed' })]);
    await closed;
    for (const agent of [a1, a2, sub]) await expectLocked(world, agent);
    await refusal(X509Source.fromEnv({ ...late.env }), 'ERR_REVOKED');
    await refusal(world.orchestrator.spawn('task-c', { sponsor: 'user:alice' }), 'ERR_REVOKED');
    expect(await world.orchestrator.completeTask('task-c')).toEqual([]);
    await expectWorking(world, other, sockets[3]!);

    expect(Object.values(await statuses(world, 'task-c'))).toEqual(['RELEASED', 'RELEASED', 'RELEASED']);
    expect(Object.values(await statuses(world, 'task-other'))).toEqual(['ACTIVE']);
    const { records } = await world.t.admin.listAuditRecords({ limit: 1000 });
    expect(records.filter((r) => r.operation === 'task.complete').map((r) => [r.outcome, r.task, r.orchestrator, r.caller])).toEqual([
      ['allowed', 'task-c', 'orch-a', world.orchestrator.id.toString()], ['allowed', 'task-c', 'orch-a', world.orchestrator.id.toString()],
    ]);
  });

  it('fail/only an orchestrator completes tasks, and only its own', async () => {
    world = await startWorld();
    const a = await spawnAgent(world, 'task-c');
    await refusal(a.caClient.completeTask('task-c'), 'ERR_PEER_UNAUTHORIZED');
    // Another orchestrator completing "task-c" completes its own task of that name, not orch-a's.
    const [entry] = await world.service.source.caClient.completeTask('task-c');
    expect(entry!.target).toBe('orch-svc/task-c');
    expect(await statuses(world, 'task-c')).toEqual({ [a.getX509Svid().id.toString()]: 'ACTIVE' });
  });

  it('fail/a released orchestrator attesting again under its name while the entry is in force -> ERR_REVOKED, audited; its join token is not used up', async () => {
    world = await startWorld();
    const { t } = world;
    const id = world.orchestrator.id.toString();
    await world.orchestrator.source.release();
    const { token } = await t.admin.createJoinToken({ orchestrator: 'orch-a' });
    const attest = () => X509Source.fromAttestation({ attestor: joinTokenClient(token), endpoints: t.endpoints, bundle: t.ca.authority.bundle });
    const err = await refusal(attest(), 'ERR_REVOKED', grpcStatus.PERMISSION_DENIED);
    expect(err.message).toMatch(/^orchestrator orch-a was revoked or released; it can attest again after \d{4}-\d\d-\d\dT/);
    // Not ERR_JOIN_TOKEN_USED: the refused attestation left the token as it was.
    await refusal(attest(), 'ERR_REVOKED');
    const { records } = await t.admin.listAuditRecords({ limit: 1000 });
    expect(records.filter((r) => r.operation === 'attest' && r.outcome === 'denied').map((r) => [r.reason, r.subject, r.attestor])).toEqual([
      ['ERR_REVOKED', id, 'join_token'], ['ERR_REVOKED', id, 'join_token'],
    ]);
  });
});
