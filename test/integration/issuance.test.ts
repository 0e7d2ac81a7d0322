import { afterEach, describe, expect, it } from 'vitest';
import { CaClient } from '../../agent-sdk/ca-client.js';
import { createCsr } from '../../agent-sdk/csr.js';
import { joinTokenClient } from '../../node-attestor/join-token/client.js';
import { type TestCa, startTestCa } from '../helpers/ca-server.js';
import { expectX509SvidProfile } from '../helpers/svid-profile.js';
import { attestOrchestrator, clientWith, newKey, toSvid } from '../helpers/agents.js';

let t: TestCa;
const clients: CaClient[] = [];
afterEach(async () => {
  clients.splice(0).forEach((c) => c.close());
  await t?.close();
});
const track = (c: CaClient) => (clients.push(c), c);

describe('issuance over gRPC', () => {
  it('ok/join token -> orchestrator SVID -> spawn -> activate -> renew', async () => {
    t = await startTestCa();
    const root = t.ca.authority.bundle.authorities[0]!;
    const { token, spiffeId } = await t.admin.createJoinToken({ orchestrator: 'orch-a' });
    expect(spiffeId).toBe('spiffe://tessera.local/orchestrator/orch-a');

    const orchestratorKey = newKey();
    const anonymous = track(new CaClient({ endpoints: t.endpoints, bundle: t.ca.authority.bundle }));
    const orchestrator = toSvid(await anonymous.attest(joinTokenClient(token), createCsr(orchestratorKey)), orchestratorKey);
    expect(orchestrator.id.toString()).toBe(spiffeId);
    await expectX509SvidProfile(orchestrator.certificates, root, { spiffeId, privateKey: orchestratorKey });
    expect(orchestrator.expiresAtMs - Date.now()).toBeGreaterThan(59 * 60_000);
    expect(orchestrator.expiresAtMs - Date.now()).toBeLessThanOrEqual(60 * 60_000);

    const spawned = await track(clientWith(t.endpoints, t.ca.authority.bundle, orchestrator))
      .spawn({ taskId: 'task-1', sponsor: 'user-42', scopes: ['files:read'] });
    expect(spawned.id.toString()).toMatch(/^spiffe:\/\/tessera\.local\/agent\/orch-a\/task-1\/[0-9a-f]{32}$/);
    expect(spawned.ticketExpiresAtMs - Date.now()).toBeLessThanOrEqual(30_000);

    const agentKey = newKey();
    const agent = toSvid(await anonymous.activate(spawned.ticket, createCsr(agentKey)), agentKey);
    expect(agent.id.equals(spawned.id)).toBe(true);
    await expectX509SvidProfile(agent.certificates, root, { spiffeId: spawned.id.toString(), privateKey: agentKey });
    expect(agent.expiresAtMs - Date.now()).toBeLessThanOrEqual(5 * 60_000);
    expect(agent.expiresAtMs - Date.now()).toBeGreaterThan(4 * 60_000);

    const renewedKey = newKey();
    const renewed = toSvid(await track(clientWith(t.endpoints, t.ca.authority.bundle, agent)).renew(createCsr(renewedKey)), renewedKey);
    expect(renewed.id.equals(agent.id)).toBe(true);
    expect(renewed.certificates[0]!.equals(agent.certificates[0]!)).toBe(false);
    await expectX509SvidProfile(renewed.certificates, root, { spiffeId: spawned.id.toString(), privateKey: renewedKey });

    const audit = await t.admin.verifyAudit();
    expect(audit.ok).toBe(true);
    expect(audit.records).toBeGreaterThanOrEqual(6);
  });

  it('ok/orchestrator renews its own SVID', async () => {
    t = await startTestCa();
    const orchestrator = await attestOrchestrator(t, 'orch-b');
    const key = newKey();
    const renewed = await track(clientWith(t.endpoints, t.ca.authority.bundle, orchestrator)).renew(createCsr(key));
    expect(renewed.id.equals(orchestrator.id)).toBe(true);
  });
});
