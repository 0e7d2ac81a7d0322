/**
 * Failover nobody notices (issue 13): three CA replicas on one PostgreSQL as
 * real child processes; one is killed with SIGKILL under mixed load (agents
 * rotating, agents calling each other over mTLS, an orchestrator spawning,
 * activations, revocations). Every agent and orchestrator holds all three
 * addresses, each starting at a different replica. Afterwards: no failed
 * rotation, no failed agent-to-agent call, every acknowledged issuance,
 * renewal and revocation in the one audit chain, the chain verifies, and
 * every revocation is enforced on every surviving replica.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CaClient } from '../../agent-sdk/ca-client.js';
import { readCertificate } from '../../agent-sdk/certificate.js';
import { createCsr } from '../../agent-sdk/csr.js';
import { Orchestrator } from '../../agent-sdk/orchestrator.js';
import { ENV } from '../../agent-sdk/x509-source.js';
import { AdminClient } from '../../ca/admin-client.js';
import { joinTokenClient } from '../../node-attestor/join-token/client.js';
import { clientWith, newKey, toSvid } from '../helpers/agents.js';
import { tessera } from '../helpers/ca-process.js';
import { type Replicas, startReplicas } from '../helpers/ca-replicas.js';
import { freshDatabase } from '../helpers/postgres.js';
import { startCallingAgents, startingAt } from '../helpers/calling-agents.js';

const AGENTS = 6;
// Renewed at about half their life, so each rotation has some 5 s to succeed. With 6 s
// SVIDs, two suites at once (load 20 on two cores) failed this test: a renewal took up to
// 2.8 s there, and one whose replica was killed under it 3.2 s with the failover, past
// the 2.5-3 s such an SVID had left (measured by logging each rotation).
const AGENT_TTL = '12s';
const NO_RATE_LIMITS = {
  rateLimits: { attest: 'off', activate: 'off', spawn: 'off', renew: 'off', token: 'off', delegate: 'off', release: 'off', connect: 'off' },
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let replicas: Replicas | undefined;
const closers: (() => void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) close();
  await replicas?.stop();
  replicas = undefined;
});

describe('CA replicas under load', () => {
  it('ok/kill-9-of-one-replica-under-mixed-load-loses-nothing-acknowledged', async () => {
    const r = replicas = await startReplicas({ count: 3, storeUrl: await freshDatabase(), config: { ...NO_RATE_LIMITS, ttl: { agent: AGENT_TTL } } });
    const admins = r.processes.map((p) => new AdminClient(p.adminSocket));
    closers.push(() => admins.forEach((a) => a.close()));
    const { token } = await admins[0]!.createJoinToken({ orchestrator: 'o1' });
    const orchestrator = await Orchestrator.attest({ attestor: joinTokenClient(token), endpoints: r.endpoints, bundle: r.bundle });
    closers.push(() => orchestrator.close());

    // Long-lived agents, each an mTLS server, spread over the replicas, calling each other.
    const load = await startCallingAgents({ orchestrator, endpoints: r.endpoints, bundle: r.bundle, count: AGENTS, closers });
    const { agents, calls, refusedCallers, failedRotations, issuedSerials } = load;
    let running = true;
    // Churn: spawn and activate short-lived agents; revoke every other one (on a surviving replica's admin socket).
    const activated: { serial: string; svid: ReturnType<typeof toSvid> }[] = [];
    const revoked: { id: string; sequence: number }[] = [];
    let unacknowledged = 0;
    const churn = (async () => {
      for (let n = 0; running; n++) {
        try {
          const spawned = await orchestrator.spawn('churn', { sponsor: 'user-1' });
          const key = newKey();
          const client = new CaClient({ endpoints: startingAt(r.endpoints, n % 3), bundle: r.bundle });
          try {
            const issued = await client.activate(spawned.env[ENV.ticket]!, createCsr(key));
            activated.push({ serial: readCertificate(issued.certificates[0]!).serialHex, svid: toSvid(issued, key) });
          } finally {
            client.close();
          }
          if (n % 2 === 0) {
            const [entry] = await admins[1 + (n % 4 === 0 ? 0 : 1)]!.revoke({ agent: spawned.id.toString() });
            revoked.push({ id: spawned.id.toString(), sequence: entry!.sequence });
          }
        } catch {
          // A request the killed replica took with it: never acknowledged, so nothing is owed for it.
          unacknowledged++;
        }
      }
    })();

    await sleep(2_500);
    const servedBefore = calls.ok;
    await r.processes[0]!.stop('SIGKILL');
    const serialsAtKill = agents.map((a) => readCertificate(a.getX509Svid().certificates[0]!).serialHex);
    // Until every agent has rotated on the survivors and the churn has activated and revoked a few.
    await vi.waitFor(() => {
      agents.forEach((agent, i) => expect(readCertificate(agent.getX509Svid().certificates[0]!).serialHex).not.toBe(serialsAtKill[i]));
      expect(activated.length).toBeGreaterThan(3);
      expect(revoked.length).toBeGreaterThan(1);
    }, { timeout: 30_000, interval: 100 });
    running = false;
    await Promise.all([load.stop(), churn]);

    expect(failedRotations).toEqual([]);
    expect(calls.failed, `callers refused by the agents' servers: ${refusedCallers.join('; ') || 'none'}`).toEqual([]);
    expect(calls.ok).toBeGreaterThan(servedBefore);
    expect(unacknowledged).toBeLessThanOrEqual(2);

    // Every acknowledged revocation: in every agent's list, and enforced by each surviving replica.
    // The last one may have been acknowledged a moment ago: wait for it to arrive. Speed is
    // revocation-propagation's test; this one asks only that nothing is lost, so the bound is loose.
    const last = Math.max(...revoked.map((e) => e.sequence));
    const waitStart = Date.now();
    await vi.waitFor(() => {
      for (const agent of agents) expect(agent.revocations!.head).toBeGreaterThanOrEqual(last);
    }, { timeout: 5_000, interval: 10 });
    console.log(`replicas: every agent held revocation ${last} ${Date.now() - waitStart} ms after the load stopped`);
    const revokedIds = new Set(revoked.map((e) => e.id));
    // Only SVIDs still valid: an expired one is refused by the TLS handshake before any revocation check.
    const stillValid = activated.filter((a) => revokedIds.has(a.svid.id.toString()) && a.svid.expiresAtMs > Date.now() + 2_000);
    expect(stillValid.length).toBeGreaterThan(0);
    for (const { svid } of stillValid) {
      for (const p of r.processes.slice(1)) {
        const client = clientWith(p.endpoints, r.bundle, svid);
        closers.push(() => client.close());
        await expect(client.renew(createCsr(newKey()))).rejects.toMatchObject({ code: expect.stringMatching(/^ERR_(REVOKED|PEER_UNAUTHORIZED)$/) });
      }
    }
    // Every acknowledged issuance and renewal has its record in the one chain, read through a survivor.
    const records = [];
    for (let after = 0; ;) {
      const page = (await admins[1]!.listAuditRecords({ afterSequence: after, limit: 1000 })).records;
      if (page.length === 0) break;
      records.push(...page);
      after = page.at(-1)!.sequence;
    }
    const allowedSerials = new Set(records.filter((rec) => rec.outcome === 'allowed' && rec.serial).map((rec) => rec.serial));
    for (const serial of [...issuedSerials, ...activated.map((a) => a.serial)]) expect(allowedSerials).toContain(serial);
    for (const i of [1, 2]) {
      const verified = await tessera('audit', 'verify', '--socket', r.processes[i]!.adminSocket);
      expect(verified.stdout).toMatch(/^audit log OK/);
    }

  }, 90_000);
});
