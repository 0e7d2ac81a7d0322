/**
 * CA replicas (issue 13): two CA processes on one PostgreSQL database next to
 * one CA on the embedded level store, same run, same machine. Issuance is
 * spawn + activate through the SDK's CaClient (on the replicas the ticket is
 * spawned on one and redeemed on the other, so every activation crosses the
 * database); revocation fan-out is from a Revoke on the first CA (replica 0) to
 * every follower holding it, followers split evenly over the CAs of the setup.
 * The PostgreSQL cluster is a throwaway one (bench/postgres-cluster.ts) with
 * fsync on, as the level store syncs each batch.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaClient } from '../agent-sdk/ca-client.js';
import { createCsr } from '../agent-sdk/csr.js';
import { generateP256Key } from '../agent-sdk/p256-key.js';
import type { Orchestrator } from '../agent-sdk/orchestrator.js';
import { RevocationList } from '../agent-sdk/revocation-list.js';
import { RevocationFollower } from '../agent-sdk/revocation.js';
import { AdminClient } from '../ca/admin-client.js';
import type { BenchContext, BenchResult } from './bench.js';
import { activateAgents, attestOrchestrator } from './agents.js';
import { CaProcess } from './ca-handle.js';
import { startPostgresCluster } from './postgres-cluster.js';
import { type Row, row } from './report.js';
import { DEADLINE_MS, STREAMS_PER_CONNECTION, closeFollowers, timeFanOut } from './revocation.js';
import { closedLoop, nowMs, quantile, sleep } from './stats.js';

/** As the issuance benchmark. */
const CONCURRENCIES = [16, 64] as const;
/** Keys and CSRs made before the timed parts; activations reuse them in turn (the CA does not mind a key twice). */
const CSR_POOL = 500;
const CONFIG = { ttl: { spawnTicket: '10m' } };

/** One setup under test: its CAs, an orchestrator and an activating client on each. */
interface Setup {
  readonly name: string;
  readonly cas: CaProcess[];
  readonly orchestrators: Orchestrator[];
  readonly clients: CaClient[];
}

export async function replicasBenchmark(ctx: BenchContext): Promise<BenchResult> {
  const phaseMs = ctx.quick ? 1000 : 2000;
  const followerCount = ctx.quick ? 500 : 1000;
  const revocations = ctx.quick ? 3 : 5;
  ctx.log('replicas: starting PostgreSQL, one CA on level and two replicas on PostgreSQL');
  const cluster = await startPostgresCluster({ durable: true });
  const root = await mkdtemp(join(tmpdir(), 'tessera-bench-replicas-'));
  const cas: CaProcess[] = [];
  const setups: Setup[] = [];
  try {
    const storeUrl = await cluster.createDatabase();
    cas.push(await CaProcess.start({ config: CONFIG }));
    // As docs/ha.md deploys them: the first replica makes the keys, the second gets a copy.
    const replicaConfig = { ...CONFIG, store: storeUrl };
    cas.push(await CaProcess.start({ config: replicaConfig, dataDir: join(root, 'replica-0') }));
    await cp(join(root, 'replica-0', 'keys'), join(root, 'replica-1', 'keys'), { recursive: true });
    cas.push(await CaProcess.start({ config: replicaConfig, dataDir: join(root, 'replica-1') }));
    setups.push(await setup('1 CA on level', cas.slice(0, 1)), await setup('2 replicas on PostgreSQL', cas.slice(1)));

    const pool = Array.from({ length: CSR_POOL }, () => createCsr(generateP256Key()));
    const rows: Row[] = [];
    const issuance: Record<string, unknown>[] = [];
    for (const s of setups) {
      ctx.log(`replicas: warming up ${s.name}`);
      await issue(s, pool, 16, nowMs() + 500);
    }
    for (const concurrency of CONCURRENCIES) {
      const measured = [];
      for (const s of setups) {
        ctx.log(`replicas: spawn+activate on ${s.name}, concurrency ${concurrency} for ${phaseMs} ms`);
        const started = nowMs();
        const result = await issue(s, pool, concurrency, started + phaseMs);
        const elapsedMs = nowMs() - started;
        if (result.failures) ctx.log(`replicas: ${s.name}: ${result.failures} failures, first: ${String(result.firstError)}`);
        const perSecond = (result.latenciesMs.length * 1000) / elapsedMs;
        const figures = { setup: s.name, concurrency, svids: result.latenciesMs.length, failures: result.failures, elapsedMs, perSecond,
          p50Ms: quantile(result.latenciesMs, 0.5), p99Ms: quantile(result.latenciesMs, 0.99) };
        issuance.push(figures);
        measured.push(figures);
      }
      const [onLevel, onReplicas] = [measured[0]!, measured[1]!];
      rows.push(row({
        bench: 'replicas', figure: `spawn+activate/s, 2 replicas on PostgreSQL (c${concurrency})`, value: onReplicas.failures ? undefined : onReplicas.perSecond, unit: '/s',
        reference: { name: '1 CA on level', value: onLevel.perSecond, unit: '/s' },
        note: `p50/p99 ${ms(onReplicas.p50Ms)}/${ms(onReplicas.p99Ms)} on the replicas, ${ms(onLevel.p50Ms)}/${ms(onLevel.p99Ms)} on level`
          + failures(onReplicas.failures, onLevel.failures),
      }));
    }

    const fanOut: (FanOut & { setup: string })[] = [];
    for (const s of setups) {
      ctx.log(`replicas: revocation fan-out on ${s.name}, ${followerCount} followers`);
      fanOut.push({ setup: s.name, ...await revocationFanOut(s, followerCount, revocations, ctx) });
    }
    const [fanLevel, fanReplicas] = [fanOut[0]!, fanOut[1]!];
    for (const [q, key] of [['p50', 'p50Ms'], ['p99', 'p99Ms']] as const) {
      rows.push(row({
        bench: 'replicas', figure: `revoke to every follower, 2 replicas (${q}, ${followerCount} followers)`, value: fanReplicas.missed ? undefined : fanReplicas[key], unit: 'ms',
        reference: { name: '1 CA on level', value: fanLevel[key], unit: 'ms' },
        ...(q === 'p99' ? { note: `max ${ms(fanReplicas.maxMs)} on the replicas, ${ms(fanLevel.maxMs)} on level, over ${revocations} revocations; revoked on replica 0, followers half on each replica`
          + (fanReplicas.missed || fanLevel.missed ? `; missed the ${DEADLINE_MS / 1000} s deadline: ${fanReplicas.missed} on the replicas, ${fanLevel.missed} on level` : '') } : {}),
      }));
    }
    return { rows, details: { phaseMs, csrPool: CSR_POOL, streamsPerConnection: STREAMS_PER_CONNECTION, issuance, fanOut } };
  } finally {
    for (const s of setups) {
      for (const client of s.clients) client.close();
      for (const o of s.orchestrators) o.close();
    }
    await Promise.all(cas.map((ca) => ca.close()));
    await cluster.stop();
    await rm(root, { recursive: true, force: true });
  }
}

async function setup(name: string, cas: CaProcess[]): Promise<Setup> {
  const orchestrators: Orchestrator[] = [];
  for (const [i, ca] of cas.entries()) orchestrators.push(await attestOrchestrator(ca, `bench-orch-${i}`));
  const clients = cas.map((ca) => new CaClient({ endpoints: ca.endpoints, bundle: ca.bundle }));
  return { name, cas, orchestrators, clients };
}

/**
 * Spawn on CA k mod n, activate on the next one (the same CA when there is one),
 * `concurrency` in flight until `deadlineMs`. An SVID for another ID than the
 * ticket's counts as a failure.
 */
function issue(s: Setup, csrs: readonly Buffer[], concurrency: number, deadlineMs: number) {
  let k = 0;
  return closedLoop(concurrency, deadlineMs, async () => {
    const n = k++;
    const { ticket, id } = await s.orchestrators[n % s.cas.length]!.source.caClient.spawn({ taskId: 'bench', sponsor: 'user:bench' });
    const issued = await s.clients[(n + 1) % s.cas.length]!.activate(ticket, csrs[n % csrs.length]!);
    if (issued.id.toString() !== id.toString()) throw new Error(`activated ${issued.id.toString()} for a ticket of ${id.toString()}`);
  });
}

interface FanOut {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly missed: number;
  readonly notSynced: number;
}

/**
 * `count` SDK RevocationFollowers (250 streams per mutual-TLS connection, the
 * connections spread over the setup's CAs), then `revocations` Revokes on the
 * first CA's admin socket, each timed to every follower's 'revoked' event.
 */
async function revocationFanOut(s: Setup, count: number, revocations: number, ctx: BenchContext): Promise<FanOut> {
  const connections = Math.ceil(count / STREAMS_PER_CONNECTION);
  const watchers = [];
  for (let i = 0; i < connections; i++) {
    const ca = s.cas[i % s.cas.length]!;
    watchers.push({ ca, svid: (await activateAgents(ca, s.orchestrators[i % s.cas.length]!, 1, 'watchers'))[0]! });
  }
  const victims = await activateAgents(s.cas[0]!, s.orchestrators[0]!, revocations, 'victims');
  const clients = watchers.map(({ ca, svid }) => new CaClient({ endpoints: ca.endpoints, bundle: ca.bundle, svid: { getX509Svid: () => svid } }));
  const followers: { follower: RevocationFollower; list: RevocationList }[] = [];
  const admin = new AdminClient(s.cas[0]!.adminSocket);
  try {
    for (let i = 0; i < count; i++) {
      const client = clients[Math.floor(i / STREAMS_PER_CONNECTION)]!;
      const list = new RevocationList({ trustDomain: s.cas[0]!.bundle.trustDomain });
      const follower = new RevocationFollower({ list, open: (after) => client.watchRevocations(after) });
      follower.start();
      followers.push({ follower, list });
    }
    const notSynced = (await Promise.all(followers.map(({ follower }) => follower.synced(30_000)))).filter((ok) => !ok).length;
    if (notSynced) ctx.log(`replicas: ${s.name}: ${notSynced} followers did not catch up`);
    await sleep(200);
    const delaysMs: number[] = [];
    let missed = 0;
    for (const victim of victims) {
      const target = victim.id.toString();
      const seen = await timeFanOut(followers.map(({ list }) => list), target, () => admin.revoke({ agent: target, reason: 'bench' }));
      delaysMs.push(...seen);
      missed += followers.length - seen.length;
      await sleep(300);
    }
    return { p50Ms: quantile(delaysMs, 0.5), p99Ms: quantile(delaysMs, 0.99), maxMs: Math.max(...delaysMs), missed, notSynced };
  } finally {
    closeFollowers(followers);
    for (const client of clients) client.close();
    admin.close();
  }
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

function failures(onReplicas: number, onLevel: number): string {
  return onReplicas || onLevel ? `; failed calls: ${onReplicas} on the replicas, ${onLevel} on level` : '';
}
