/**
 * The authority lifecycle across CA replicas on one PostgreSQL (real child
 * processes): keys sealed in the shared store, every replica following the
 * others' changes live.
 *
 * - prepare, activate, taint and revoke, each made on another replica, are in
 *   force on all three within 1 s (state, bundle pushed to agents, the server
 *   SVID re-signed, new SVIDs signed by the new intermediate) while agents whose
 *   CA connections start at different replicas keep calling each other: no failed
 *   call or rotation; a replica restarted afterwards starts on the new one;
 * - the schedule, due on three replicas at once, prepares and activates once;
 * - a replica with another root or key-encryption key is refused at start.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { certificatesFromPem } from '../../agent-sdk/bundle.js';
import { CaClient } from '../../agent-sdk/ca-client.js';
import { createCsr } from '../../agent-sdk/csr.js';
import { Orchestrator } from '../../agent-sdk/orchestrator.js';
import { ENV } from '../../agent-sdk/x509-source.js';
import { AdminClient } from '../../ca/admin-client.js';
import { AuthorityClient } from '../../ca/authority-client.js';
import { KeyVault } from '../../ca/authority/key-vault.js';
import { joinTokenClient } from '../../node-attestor/join-token/client.js';
import { newKey } from '../helpers/agents.js';
import { startCaProcess } from '../helpers/ca-process.js';
import { type Replicas, startReplicas } from '../helpers/ca-replicas.js';
import { startCallingAgents } from '../helpers/calling-agents.js';
import { freshDatabase } from '../helpers/postgres.js';

const NO_RATE_LIMITS = {
  rateLimits: { attest: 'off', activate: 'off', spawn: 'off', renew: 'off', token: 'off', delegate: 'off', release: 'off', connect: 'off' },
};

let replicas: Replicas | undefined;
const closers: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await replicas?.stop();
  replicas = undefined;
});

async function orchestratorOf(r: Replicas): Promise<Orchestrator> {
  const admin = new AdminClient(r.processes[0]!.adminSocket);
  closers.push(() => admin.close());
  const { token } = await admin.createJoinToken({ orchestrator: 'o1' });
  const orchestrator = await Orchestrator.attest({ attestor: joinTokenClient(token), endpoints: r.endpoints, bundle: r.bundle });
  closers.push(() => orchestrator.close());
  return orchestrator;
}

/** The issuer name of the CA server certificate replica `address` presents (intermediates name their key). */
async function serverSvidIssuer(address: string): Promise<string> {
  const at = address.lastIndexOf(':');
  const socket = tls.connect({ host: address.slice(0, at), port: Number(address.slice(at + 1)), rejectUnauthorized: false, ALPNProtocols: ['h2'] });
  try {
    await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
    return socket.getPeerX509Certificate()!.issuer;
  } finally {
    socket.destroy();
  }
}

describe('authorities across CA replicas', () => {
  it('ok/each lifecycle step made on one replica is in force on every replica within 1 s; agents keep calling each other; a restarted replica starts on the new intermediate', async () => {
    const r = replicas = await startReplicas({ count: 3, storeUrl: await freshDatabase(), config: NO_RATE_LIMITS });
    const authorities = r.processes.map((p) => new AuthorityClient(p.adminSocket));
    closers.push(() => authorities.forEach((a) => a.close()));
    const orchestrator = await orchestratorOf(r);
    const load = await startCallingAgents({ orchestrator, endpoints: r.endpoints, bundle: r.bundle, count: 6, closers });

    /** Spawns an agent and activates it on replica `i` alone: the intermediate that replica signs with. */
    const signedOn = async (i: number) => {
      const spawned = await orchestrator.spawn('probe', { sponsor: 'user-1' });
      const client = new CaClient({ endpoints: r.processes[i]!.endpoints, bundle: r.bundle });
      try {
        return (await client.activate(spawned.env[ENV.ticket]!, createCsr(newKey()))).certificates[1]!;
      } finally {
        client.close();
      }
    };
    /**
     * Runs `step` (one lifecycle step on one replica's admin socket) and waits until every agent, each
     * following the bundle stream of its own replica, holds the bundle it made; then every replica must
     * list `id` in `state`. Records how long after the step returned the last agent had it.
     */
    const reached: Record<string, number> = {};
    let sequence = (await authorities[0]!.list('x509')).bundleSequence;
    const inForceEverywhere = async <T>(name: string, step: () => Promise<T>, id: (result: T) => string, state: string): Promise<T> => {
      sequence += 1;
      const arrivals = load.agents.map((agent) => new Promise<number>((resolve) => {
        const check = () => {
          if (agent.bundle.sequenceNumber < sequence) return;
          agent.off('update', check);
          resolve(Date.now());
        };
        agent.on('update', check);
      }));
      const result = await step();
      const returned = Date.now();
      reached[name] = Math.max(0, ...(await Promise.all(arrivals)).map((at) => at - returned));
      for (const a of authorities) {
        const listed = await a.list('x509');
        expect(listed.bundleSequence).toBe(sequence);
        expect(listed.authorities.find((x) => x.authorityId === id(result))?.state).toBe(state);
      }
      return result;
    };

    const [old] = (await authorities[0]!.list('x509')).authorities;
    const prepared = await inForceEverywhere('prepare', () => authorities[0]!.prepare('x509'), (p) => p.authorityId, 'prepared');
    const next = certificatesFromPem((await authorities[0]!.list('x509')).authorities.find((a) => a.authorityId === prepared.authorityId)!.certificatePem)[0]!;
    await inForceEverywhere('activate', () => authorities[1]!.step('x509', 'activate'), () => prepared.authorityId, 'active');
    // Every replica signs with it: what it issues, and its own server certificate.
    for (const [i, p] of r.processes.entries()) {
      expect((await signedOn(i)).equals(next), `replica ${i} signs with the new intermediate`).toBe(true);
      await vi.waitFor(async () => expect(await serverSvidIssuer(p.endpoints.address)).toContain(prepared.authorityId.slice(0, 16)), { timeout: 1_000, interval: 20 });
    }

    await inForceEverywhere('taint', () => authorities[2]!.step('x509', 'taint', old!.authorityId), () => old!.authorityId, 'tainted');
    // Agents on every replica, and the orchestrator, move off the tainted intermediate now, not at
    // their half-life (the orchestrator spawns through it after the revocation below).
    const sources = [...load.agents, orchestrator.source];
    await vi.waitFor(() => expect(sources.every((a) => a.getX509Svid().certificates[1]!.equals(next))).toBe(true), { timeout: 10_000, interval: 50 });
    // A connection opened just before may still present an SVID under the old one, and the revocation
    // below rightly refuses it; the load asserts no call fails, so those calls end first.
    await load.nextRound();

    await inForceEverywhere('revoke', () => authorities[0]!.step('x509', 'revoke', old!.authorityId), () => old!.authorityId, 'revoked');
    for (const agent of load.agents) expect(agent.bundle.revokedAuthorities).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await load.stop();
    console.log(`replica authorities: every agent held the new bundle ${JSON.stringify(reached)} ms after the step returned; ${load.calls.ok} calls, ${load.calls.failed.length} failed`);
    for (const ms of Object.values(reached)) expect(ms).toBeLessThan(1_000);
    expect(load.failedRotations).toEqual([]);
    expect(load.calls.failed, `callers refused by the agents' servers: ${load.refusedCallers.join('; ') || 'none'}`).toEqual([]);

    // A replica restarted now finds every key in the store and signs with the new intermediate.
    await r.restart(2);
    const restarted = new AuthorityClient(r.processes[2]!.adminSocket);
    closers.push(() => restarted.close());
    expect((await restarted.list('x509')).authorities.map((a) => [a.authorityId, a.state])).toEqual([[old!.authorityId, 'revoked'], [prepared.authorityId, 'active']]);
    expect((await signedOn(2)).equals(next)).toBe(true);
  }, 120_000);

  it('ok/the schedule falls due on three replicas at once: one prepares, one activates, nobody is refused', async () => {
    // Intermediates live 2 min (backdated 1 min): prepare falls due about 20 s after the first one is made, activate about 6 s later.
    const r = replicas = await startReplicas({
      count: 3, storeUrl: await freshDatabase(),
      config: { ttl: { intermediate: '120s' }, authorities: { prepareAt: 0.444, activateAt: 0.478, checkEvery: '100ms' } },
    });
    const admin = new AdminClient(r.processes[1]!.adminSocket);
    closers.push(() => admin.close());
    const authorityRecords = async () => (await admin.listAuditRecords({ limit: 1000 })).records.filter((rec) => rec.operation.startsWith('authority.x509.'));
    await vi.waitFor(async () => expect((await authorityRecords()).map((rec) => rec.operation)).toContain('authority.x509.activate'), { timeout: 60_000, interval: 200 });
    await vi.waitFor(async () => expect((await authorityRecords()).filter((rec) => rec.operation === 'authority.x509.activate')).toHaveLength(2), { timeout: 60_000, interval: 200 });
    // Past the due time, every replica's schedule has looked at least a few times.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const records = await authorityRecords();
    expect(records.map((rec) => `${rec.operation} ${rec.outcome}`)).toEqual([
      'authority.x509.prepare allowed', 'authority.x509.activate allowed', 'authority.x509.prepare allowed', 'authority.x509.activate allowed',
    ]);
    const lists = await Promise.all(r.processes.map(async (p) => {
      const client = new AuthorityClient(p.adminSocket);
      try {
        return (await client.list('x509')).authorities.map((a) => a.state);
      } finally {
        client.close();
      }
    }));
    expect(lists).toEqual([['old', 'active'], ['old', 'active'], ['old', 'active']]);
  }, 120_000);

  it('fail/a replica with another root, or with the root but another key-encryption key, is refused at start naming which', async () => {
    const storeUrl = await freshDatabase();
    const r = replicas = await startReplicas({ count: 1, storeUrl });
    const dir = await mkdtemp(join(tmpdir(), 'tessera-mismatch-'));
    closers.push(() => rm(dir, { recursive: true, force: true }));
    // Its own keys: another root.
    await expect(startCaProcess({ dataDir: join(dir, 'other-root'), config: { store: storeUrl } }))
      .rejects.toThrow(/ERR_KEYS_MISMATCH: this CA's root \(keys\/root-cert\.pem, SHA-256 [0-9a-f]{64}\) is not the root the store was made with/);
    // The replicas' root, but a key-encryption key of its own.
    await cp(join(r.dataDirs[0]!, 'keys'), join(dir, 'other-kek', 'keys'), { recursive: true });
    await rm(join(dir, 'other-kek', 'keys', 'kek'));
    const other = await KeyVault.loadOrCreate(join(dir, 'other-kek', 'keys'));
    await expect(startCaProcess({ dataDir: join(dir, 'other-kek'), config: { store: storeUrl } }))
      .rejects.toThrow(new RegExp(`ERR_KEYS_MISMATCH: this CA's key-encryption key \\(keys/kek, id ${other.id}\\) is not the one that seals the store's authority keys`));
  }, 60_000);
});
