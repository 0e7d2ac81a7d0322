/**
 * Flow 7 end to end: a CA, agents and a service, each with its own X509Source
 * following the CA's revocations. For each level (agent, task, subtree, serial,
 * jti) the revoked side loses its open connection, its next handshake, its
 * renewal and its tokens within a second of the revoke command, and the rest
 * keeps working.
 */
import type tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { readCertificate } from '../../agent-sdk/certificate.js';
import type { TesseraError } from '../../agent-sdk/errors.js';
import { validateJwtSvid } from '../../agent-sdk/validate-jwt-svid.js';
import { refusal } from '../helpers/task-agents.js';
import {
  type World, closedAt, connect, delegateAgent, expectLocked, expectRefused, expectWorking, roundTrip, spawnAgent, startWorld, timeUntil,
} from '../helpers/revocation-world.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const LOOPBACK_BUDGET_MS = 1_000;

/** Revokes with `revoke`, and returns how long until every connection in `gone` closed. */
async function revokeAndTime(revoke: () => Promise<unknown>, gone: tls.TLSSocket[]): Promise<number> {
  const closes = gone.map(closedAt);
  const started = performance.now();
  await revoke();
  const elapsed = Math.max(...(await Promise.all(closes))) - started;
  return elapsed;
}

function report(level: string, ms: number, enforced = 'the revoked side\'s open connection closed'): void {
  console.log(`revocation propagation, ${level}: ${ms.toFixed(1)} ms from the revoke command until ${enforced}`);
  expect(ms).toBeLessThan(LOOPBACK_BUDGET_MS);
}

describe('revocation at four levels', () => {
  it('ok/agent: its connection closes, its handshake, renewal and tokens are refused; the other agent keeps working', async () => {
    world = await startWorld();
    const [a, b] = [await spawnAgent(world, 'task-1'), await spawnAgent(world, 'task-1')];
    const [sa, sb] = [await connect(world, a), await connect(world, b)];
    const selfRevoked = new Promise<TesseraError>((resolve) => a.on('updateFailed', resolve));

    const ms = await revokeAndTime(() => world!.t.admin.revoke({ agent: a.getX509Svid().id.toString(), reason: 'key leaked' }), [sa]);
    report('agent', ms);
    expect(world.service.rejected.map((e) => e.code)).toContain('ERR_REVOKED');
    // The agent learns it too, from its own stream, and stops renewing.
    expect((await selfRevoked).code).toBe('ERR_REVOKED');
    await expectLocked(world, a);
    await expectWorking(world, b, sb);
  });

  it('ok/task: every agent of the task goes, an agent of another task stays', async () => {
    world = await startWorld();
    const [a1, a2, b] = [await spawnAgent(world, 'task-1'), await spawnAgent(world, 'task-1'), await spawnAgent(world, 'task-2')];
    const [s1, s2, sb] = await Promise.all([a1, a2, b].map((agent) => connect(world!, agent)));

    const ms = await revokeAndTime(() => world!.t.admin.revoke({ task: 'orch-a/task-1' }), [s1!, s2!]);
    report('task', ms);
    await expectLocked(world, a1);
    await expectLocked(world, a2);
    // The task is closed: no new agent for it.
    await refusal(world.orchestrator.spawn('task-1', { sponsor: 'user:alice' }), 'ERR_REVOKED');
    await expectWorking(world, b, sb!);
  });

  it('ok/subtree: an agent and everything it delegated to, three levels deep, go; its siblings and parent stay', async () => {
    world = await startWorld();
    const root = await spawnAgent(world, 'task-1');
    const child = await delegateAgent(world, root);
    const grandchild = await delegateAgent(world, child);
    const sibling = await delegateAgent(world, root);
    const other = await spawnAgent(world, 'task-1');
    const [sRoot, sChild, sGrand, sSibling, sOther] = await Promise.all([root, child, grandchild, sibling, other].map((agent) => connect(world!, agent)));

    // Three levels: the subtree of root (root, child, grandchild, sibling) goes; `other` at root's level stays.
    const ms = await revokeAndTime(() => world!.t.admin.revoke({ chain: root.getX509Svid().id.toString() }), [sRoot!, sChild!, sGrand!, sSibling!]);
    report('subtree', ms);
    for (const agent of [root, child, grandchild, sibling]) await expectLocked(world, agent);
    // A revoked agent cannot delegate any more.
    await refusal(delegateAgent(world, child), 'ERR_REVOKED');
    await expectWorking(world, other, sOther!);
  });

  it('ok/subtree below the root: the child and grandchild go; the root and the child\'s sibling stay', async () => {
    world = await startWorld();
    const root = await spawnAgent(world, 'task-1');
    const child = await delegateAgent(world, root);
    const grandchild = await delegateAgent(world, child);
    const sibling = await delegateAgent(world, root);
    const [sRoot, sChild, sGrand, sSibling] = await Promise.all([root, child, grandchild, sibling].map((agent) => connect(world!, agent)));

    const ms = await revokeAndTime(() => world!.t.admin.revoke({ chain: child.getX509Svid().id.toString() }), [sChild!, sGrand!]);
    report('subtree below the root', ms);
    await expectLocked(world, child);
    await expectLocked(world, grandchild);
    await expectWorking(world, root, sRoot!);
    await expectWorking(world, sibling, sSibling!);
    const { descendants } = await world.t.admin.getAgent(root.getX509Svid().id.toString());
    expect(descendants.map((d) => [d.depth, d.status])).toEqual(expect.arrayContaining([
      [1, 'AGENT_STATUS_REVOKED'], [1, 'AGENT_STATUS_ACTIVE'], [2, 'AGENT_STATUS_REVOKED'],
    ]));
  });

  it('ok/serial: one certificate goes; the same agent\'s token minted with it too, the other agent stays', async () => {
    world = await startWorld();
    const [a, b] = [await spawnAgent(world, 'task-1'), await spawnAgent(world, 'task-1')];
    const [sa, sb] = [await connect(world, a), await connect(world, b)];
    const serial = readCertificate(a.getX509Svid().certificates[0]!).serialHex;

    const ms = await revokeAndTime(() => world!.t.admin.revoke({ serial: serial.toUpperCase() }), [sa]);
    report('serial', ms);
    await expectRefused(world, a);
    // Only the newest certificate may renew, and it is revoked: the identity ends with it.
    await refusal(a.rotate(), 'ERR_REVOKED');
    await refusal(a.caClient.mintJwtSvid({ audience: 'spiffe://tessera.local/service/search' }), 'ERR_REVOKED');
    await expectWorking(world, b, sb);
  });

  it('ok/jti: one task token is refused by the service; another token of the same agent and its connection stay', async () => {
    world = await startWorld();
    const a = await spawnAgent(world, 'task-1');
    const sa = await connect(world, a);
    const audience = 'spiffe://tessera.local/service/search';
    const first = await a.caClient.mintJwtSvid({ audience, scopes: ['search:query'] });
    const second = await a.caClient.mintJwtSvid({ audience, scopes: ['search:query'] });
    const service = world.service.source;
    const validate = (token: string) => validateJwtSvid(token, {
      bundle: service, audience, requiredScopes: ['search:query'],
      peerCertificate: a.getX509Svid().certificates[0]!, isRevoked: service.revocations!.isTokenRevoked,
    });
    const jti = (await validate(first.token)).jti;

    const started = performance.now();
    await world.t.admin.revoke({ jti, reason: 'token pasted into a ticket' });
    const ms = await timeUntil(started, () => service.revocations!.isRevoked({ id: a.getX509Svid().id, jti }));
    report('jti', ms, 'the service refuses the token');
    await refusal(validate(first.token), 'ERR_REVOKED');
    expect((await validate(second.token)).jti).not.toBe(jti);
    expect(await roundTrip(sa)).toContain('pong');
  });

  it('ok/an agent\'s tokens are refused once the agent is revoked', async () => {
    world = await startWorld();
    const a = await spawnAgent(world, 'task-1');
    const audience = 'spiffe://tessera.local/service/search';
    const token = await a.caClient.mintJwtSvid({ audience, scopes: ['search:query'] });
    const service = world.service.source;
    await world.t.admin.revoke({ agent: a.getX509Svid().id.toString() });
    await timeUntil(performance.now(), () => service.revocations!.isRevoked({ id: a.getX509Svid().id }));
    // With the service's source as the bundle, validateJwtSvid checks its revocation list by default.
    await refusal(validateJwtSvid(token.token, { bundle: service, audience, peerCertificate: a.getX509Svid().certificates[0]! }), 'ERR_REVOKED');
  });

  it('fail/revoking what is already revoked commits nothing; unknown targets are refused and audited', async () => {
    world = await startWorld();
    const a = await spawnAgent(world, 'task-1');
    const id = a.getX509Svid().id.toString();
    const [entry] = await world.t.admin.revoke({ agent: id });
    expect(entry).toMatchObject({ kind: 'agent', target: id, cause: 'operator' });
    expect(await world.t.admin.revoke({ agent: id })).toEqual([]);
    await refusal(world.t.admin.revoke({ agent: 'spiffe://tessera.local/agent/orch-a/task-1/0000' }), 'ERR_NOT_FOUND');
    await refusal(world.t.admin.revoke({ serial: 'zz' }), 'ERR_INVALID_ARGUMENT');
    await refusal(world.t.admin.revoke({ task: 'orch-a' }), 'ERR_INVALID_ARGUMENT');
    await refusal(world.t.admin.revoke({ agent: 'spiffe://other.td/agent/o/t/i' }), 'ERR_INVALID_ARGUMENT');
    await refusal(world.t.admin.revoke({ jti: 'x', reason: 'r'.repeat(201) }), 'ERR_INVALID_ARGUMENT');
    const { records } = await world.t.admin.listAuditRecords({ limit: 1000 });
    const revokes = records.filter((r) => r.operation.startsWith('revoke'));
    expect(revokes.map((r) => [r.operation, r.outcome, r.reason])).toEqual([
      ['revoke.agent', 'allowed', ''], ['revoke.agent', 'allowed', ''], ['revoke.agent', 'denied', 'ERR_NOT_FOUND'],
      ['revoke.serial', 'denied', 'ERR_INVALID_ARGUMENT'], ['revoke', 'denied', 'ERR_INVALID_ARGUMENT'],
      ['revoke.agent', 'denied', 'ERR_INVALID_ARGUMENT'], ['revoke.jti', 'denied', 'ERR_INVALID_ARGUMENT'],
    ]);
    expect(revokes[0]!.subject).toBe(id);
  });
});
