/**
 * CA replicas on one PostgreSQL database (issue 13), as real `tessera ca start`
 * processes with `store` set: single use of one-time secrets across replicas,
 * one audit chain, revocations on every replica within 1 s, a replica cut from
 * the database failing closed and catching up on the revocations it missed, and
 * a follower ahead of a replica that is behind keeping what it holds.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CaClient, type CaEndpoints } from '../../agent-sdk/ca-client.js';
import { createCsr } from '../../agent-sdk/csr.js';
import { isTesseraError } from '../../agent-sdk/errors.js';
import { Orchestrator } from '../../agent-sdk/orchestrator.js';
import { ENV, X509Source } from '../../agent-sdk/x509-source.js';
import { AdminClient } from '../../ca/admin-client.js';
import { joinTokenClient } from '../../node-attestor/join-token/client.js';
import { newKey } from '../helpers/agents.js';
import { tessera } from '../helpers/ca-process.js';
import { type Replicas, startReplicas } from '../helpers/ca-replicas.js';
import { freshDatabase } from '../helpers/postgres.js';
import { startPostgresCluster } from '../../bench/postgres-cluster.js';
import { type Proxy, startProxy } from '../helpers/tcp-proxy.js';

// Fifty concurrent redemptions from one address: the abuse limits are not what is tested here.
const NO_RATE_LIMITS = {
  rateLimits: { attest: 'off', activate: 'off', spawn: 'off', renew: 'off', token: 'off', delegate: 'off', release: 'off', connect: 'off' },
};

let replicas: Replicas | undefined;
let proxy: Proxy | undefined;
let closers: (() => void)[] = [];
afterEach(async () => {
  for (const close of closers) close();
  closers = [];
  proxy?.close();
  proxy = undefined;
  await replicas?.stop();
  replicas = undefined;
});

function adminOf(r: Replicas, i: number): AdminClient {
  const admin = new AdminClient(r.processes[i]!.adminSocket);
  closers.push(() => admin.close());
  return admin;
}

async function orchestrator(r: Replicas, name: string, endpoints: CaEndpoints = r.endpoints): Promise<Orchestrator> {
  const { token } = await adminOf(r, 0).createJoinToken({ orchestrator: name });
  const o = await Orchestrator.attest({ attestor: joinTokenClient(token), endpoints, bundle: r.bundle });
  closers.push(() => o.close());
  return o;
}

/** An agent whose CA connections (renewal, revocation stream) go to `endpoints`. */
async function agentOn(o: Orchestrator, r: Replicas, endpoints: CaEndpoints): Promise<X509Source> {
  const spawned = await o.spawn('task-1', { sponsor: 'user-1' });
  const source = await X509Source.fromTicket({ ticket: spawned.env[ENV.ticket]!, endpoints, bundle: r.bundle });
  closers.push(() => source.close());
  return source;
}

async function within(ms: number, condition: () => boolean): Promise<number> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return Date.now() - start;
}

/** Two replicas on one database; replica 1 reaches it through a proxy the test can cut. */
async function twoReplicasOneBehindProxy(): Promise<{ p: Proxy; r: Replicas }> {
  const url = await freshDatabase();
  const p = proxy = await startProxy();
  p.target = url.replace(/^.*@([^/]+)\/.*$/, '$1');
  const viaProxy = url.replace(/@[^/]+\//, `@${p.address}/`);
  const r = replicas = await startReplicas({ count: 2, storeUrl: url, storeUrls: [url, viaProxy] });
  return { p, r };
}

function codesOf(results: PromiseSettledResult<unknown>[]): string[] {
  return results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as { code?: string }).code ?? String(r.reason)] : []));
}

// Three CA processes and a database per test: under two suites at once one test took 30 s.
describe('CA replicas on PostgreSQL', { timeout: 90_000 }, () => {
  it('ok/a-join-token-and-a-spawn-ticket-are-each-used-once-across-three-replicas', async () => {
    const r = replicas = await startReplicas({ count: 3, storeUrl: await freshDatabase(), config: NO_RATE_LIMITS });
    const { token } = await adminOf(r, 1).createJoinToken({ orchestrator: 'o1' });
    const attests = await Promise.allSettled(Array.from({ length: 50 }, async (_, i) => {
      const client = new CaClient({ endpoints: r.processes[i % 3]!.endpoints, bundle: r.bundle });
      try {
        return await client.attest(joinTokenClient(token), createCsr(newKey()));
      } finally {
        client.close();
      }
    }));
    expect(attests.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
    expect(codesOf(attests)).toEqual(Array(49).fill('ERR_JOIN_TOKEN_USED'));

    const o = await orchestrator(r, 'o2');
    const spawned = await o.spawn('task-1', { sponsor: 'user-1' });
    const activations = await Promise.allSettled(Array.from({ length: 50 }, async (_, i) => {
      const client = new CaClient({ endpoints: r.processes[i % 3]!.endpoints, bundle: r.bundle });
      try {
        return await client.activate(spawned.env[ENV.ticket]!, createCsr(newKey()));
      } finally {
        client.close();
      }
    }));
    expect(activations.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
    expect(codesOf(activations)).toEqual(Array(49).fill('ERR_TICKET_USED'));

    // One history, whichever replica checks it, and the same bundle everywhere.
    const records = (await adminOf(r, 0).listAuditRecords({ limit: 1000 })).records;
    expect(records.filter((rec) => rec.operation === 'activate').map((rec) => rec.outcome).sort()).toEqual(['allowed', ...Array(49).fill('denied')]);
    for (const i of [0, 1, 2]) {
      const verified = await tessera('audit', 'verify', '--socket', r.processes[i]!.adminSocket);
      expect(verified.stdout).toContain(`audit log OK: ${records.length}`);
    }
    const bundles = await Promise.all(r.processes.map(async (p) => {
      const client = new CaClient({ endpoints: p.endpoints, bundle: r.bundle });
      closers.push(() => client.close());
      return (await client.getTrustBundle()).toPem();
    }));
    expect(new Set(bundles).size).toBe(1);
  });

  it('ok/a-revocation-on-one-replica-reaches-followers-of-every-replica-within-1s', async () => {
    const r = replicas = await startReplicas({ count: 3, storeUrl: await freshDatabase() });
    const o = await orchestrator(r, 'o1');
    const agents = await Promise.all(r.processes.map((p) => agentOn(o, r, p.endpoints)));
    const [revoked] = await adminOf(r, 0).revoke({ agent: agents[0]!.getX509Svid().id.toString() });
    const times = await Promise.all(agents.map((a) => within(1_000, () => a.revocations!.head >= revoked!.sequence)));
    expect(times.every((ms) => ms <= 1_000)).toBe(true);
    // Enforced on every replica: the revoked agent cannot renew anywhere.
    for (const p of r.processes) {
      const client = new CaClient({ endpoints: p.endpoints, bundle: r.bundle, svid: agents[0]! });
      closers.push(() => client.close());
      await expect(client.renew(createCsr(newKey()))).rejects.toMatchObject({ code: expect.stringMatching(/^ERR_(REVOKED|PEER_UNAUTHORIZED)$/) });
    }
    expect((await adminOf(r, 2).verifyAudit()).ok).toBe(true);
  });

  it('ok/a-replica-cut-from-the-database-fails-closed-and-catches-up-on-missed-revocations', async () => {
    const { p, r } = await twoReplicasOneBehindProxy();
    const o = await orchestrator(r, 'o1', r.processes[0]!.endpoints);
    const [first, second] = [await agentOn(o, r, r.processes[1]!.endpoints), await agentOn(o, r, r.processes[0]!.endpoints)];

    p.cut();
    // Replica 1 has no database: it refuses, with UNAVAILABLE, and issues nothing.
    const spawned = await o.spawn('task-1', { sponsor: 'user-1' });
    const client = new CaClient({ endpoints: r.processes[1]!.endpoints, bundle: r.bundle });
    closers.push(() => client.close());
    await expect(client.activate(spawned.env[ENV.ticket]!, createCsr(newKey()))).rejects.toMatchObject({ code: 'ERR_UNAVAILABLE' });
    // A revocation made meanwhile on replica 0: replica 1 cannot hear its notice.
    const [revoked] = await adminOf(r, 0).revoke({ agent: second.getX509Svid().id.toString() });

    p.heal();
    // Back without a restart: it serves again and its followers get what they missed.
    await within(10_000, () => first.revocations!.head >= revoked!.sequence);
    const activated = await retryUnavailable(() => client.activate(spawned.env[ENV.ticket]!, createCsr(newKey())));
    expect(activated.id.toString()).toBe(spawned.id.toString());
    expect((await adminOf(r, 1).verifyAudit()).ok).toBe(true);
  });

  it.each(['mutual-tls', 'proof'] as const)('ok/a-follower-ahead-of-a-replica-cut-from-the-database-keeps-every-revocation-it-holds (%s stream)', async (renewWith) => {
    const { p, r } = await twoReplicasOneBehindProxy();
    const o = await orchestrator(r, 'o1', r.processes[0]!.endpoints);
    // Follows replica 0 first, replica 1 when 0 is gone.
    const spawned = await o.spawn('task-1', { sponsor: 'user-1' });
    const follower = await X509Source.fromTicket({ ticket: spawned.env[ENV.ticket]!, endpoints: r.endpoints, bundle: r.bundle, rotation: { renewWith } });
    closers.push(() => follower.close());
    const victim = await agentOn(o, r, r.processes[0]!.endpoints);

    // Replica 1 loses the database, then misses a revocation the follower gets from replica 0.
    p.cut();
    const [revoked] = await adminOf(r, 0).revoke({ agent: victim.getX509Svid().id.toString() });
    await within(2_000, () => follower.revocations!.head >= revoked!.sequence);
    // Replica 0 dies: the follower's stream moves to replica 1, which is behind it and cannot read
    // the database. Before, it answered with a reset and the follower forgot the revocation.
    await r.processes[0]!.stop('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(follower.revocations!.head).toBeGreaterThanOrEqual(revoked!.sequence);
    expect(follower.revocations!.isCurrent()).toBe(false);

    // The database back: replica 1 reads it, and the follower is current again with the entry.
    p.heal();
    await within(10_000, () => follower.revocations!.isCurrent());
    expect(follower.revocations!.head).toBeGreaterThanOrEqual(revoked!.sequence);
  });

  it('ok/the-database-restarting-fails-closed-and-the-replica-recovers-without-a-restart', async () => {
    // A cluster of its own: this test stops the server.
    const cluster = await startPostgresCluster();
    closers.push(() => void cluster.stop());
    const r = replicas = await startReplicas({ count: 1, storeUrl: await cluster.createDatabase() });
    const o = await orchestrator(r, 'o1');
    const spawned = await o.spawn('task-1', { sponsor: 'user-1' });
    const acknowledged = (await adminOf(r, 0).listAuditRecords({ limit: 1000 })).records.length;

    await cluster.stopServer();
    const client = new CaClient({ endpoints: r.endpoints, bundle: r.bundle });
    closers.push(() => client.close());
    await expect(client.activate(spawned.env[ENV.ticket]!, createCsr(newKey()))).rejects.toMatchObject({ code: 'ERR_UNAVAILABLE' });
    await expect(o.spawn('task-1', { sponsor: 'user-1' })).rejects.toMatchObject({ code: 'ERR_UNAVAILABLE' });

    await cluster.startServer();
    const activated = await retryUnavailable(() => client.activate(spawned.env[ENV.ticket]!, createCsr(newKey())));
    expect(activated.id.toString()).toBe(spawned.id.toString());
    const after = await adminOf(r, 0).verifyAudit();
    expect(after.ok).toBe(true);
    expect(after.records).toBeGreaterThan(acknowledged);
  });
});

/** The first call after the database is back may still meet a connection the outage broke. */
async function retryUnavailable<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (!isTesseraError(err, 'ERR_UNAVAILABLE') || attempt > 50) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
