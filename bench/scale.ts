/**
 * A CA serving N agents on 5-minute SVIDs. Each agent renews at half-life, so
 * N agents mean N / 150 renewals per second; each renewal is what the SDK does:
 * a new key, a CSR, a new mutual-TLS connection with the agent's newest SVID
 * (only that one may renew), RenewX509SVID. Simulated at that rate with a pool
 * of real identities renewing in turn, open loop, while the CA's CPU and memory
 * are read from its process.
 */
import { generateKeyPairSync } from 'node:crypto';
import { CaClient } from '../agent-sdk/ca-client.js';
import { createCsr } from '../agent-sdk/csr.js';
import type { BenchContext, BenchResult } from './bench.js';
import { activateAgents, attestOrchestrator, svidOf } from './agents.js';
import { CaProcess } from './ca-handle.js';
import { type Row, row } from './report.js';
import { nowMs, openLoop, quantile, sleep } from './stats.js';

const AGENT_SVID_MS = 5 * 60_000;
const FLEETS = [10_000, 100_000] as const;
/** More renewals pending than this means the load generator, not the CA, is behind: the rest are shed. */
const MAX_IN_FLIGHT = 64;

export async function scaleBenchmark(ctx: BenchContext): Promise<BenchResult> {
  const phaseMs = ctx.quick ? 3000 : 20_000;
  const ca = await CaProcess.start({ config: { ttl: { spawnTicket: '10m' } } });
  const orchestrator = await attestOrchestrator(ca, 'bench-orch');
  try {
    const poolSize = ctx.quick ? 300 : 2000;
    ctx.log(`scale: activating ${poolSize} agents`);
    const pool = await activateAgents(ca, orchestrator, poolSize, 'scale');

    ctx.log('scale: CA idle');
    const idleBefore = await ca.usage();
    await sleep(ctx.quick ? 1000 : 3000);
    const idleAfter = await ca.usage();
    const idleCores = (idleAfter.cpuMicros - idleBefore.cpuMicros) / 1000 / (ctx.quick ? 1000 : 3000);

    const rows: Row[] = [];
    const phases: Record<string, unknown>[] = [];
    let next = 0;
    for (const fleet of FLEETS) {
      const rate = fleet / (AGENT_SVID_MS / 2 / 1000);
      const count = Math.ceil((rate * phaseMs) / 1000);
      ctx.log(`scale: ${fleet.toLocaleString('en-US')} agents = ${rate.toFixed(0)} renewals/s for ${phaseMs} ms (${count} keys first)`);
      const keys = Array.from({ length: count }, () => {
        const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
        return { key: privateKey, csr: createCsr(privateKey) };
      });
      let used = 0;
      const renew = () => {
        const fresh = keys[used++];
        if (!fresh) return undefined;
        const slot = next++ % pool.length;
        const current = pool[slot]!;
        // A client per renewal: the SDK opens a new connection with each new SVID.
        const client = new CaClient({ endpoints: ca.endpoints, bundle: ca.bundle, svid: { getX509Svid: () => current } });
        return client.renew(fresh.csr).then((issued) => {
          pool[slot] = svidOf(issued, fresh.key);
        }).finally(() => client.close());
      };
      const before = await ca.usage();
      const started = nowMs();
      const result = await openLoop(rate, phaseMs, renew, MAX_IN_FLIGHT);
      const elapsedMs = nowMs() - started;
      const after = await ca.usage();
      if (result.failures) ctx.log(`scale: ${result.failures} failed renewals, first: ${String(result.firstError)}`);
      const done = result.latenciesMs.length;
      const cores = (after.cpuMicros - before.cpuMicros) / 1000 / elapsedMs;
      const cpuPerRenewalUs = (after.cpuMicros - before.cpuMicros) / done;
      const achieved = (done * 1000) / elapsedMs;
      const p99 = quantile(result.latenciesMs, 0.99);
      const phase: Record<string, unknown> = {
        fleet, offeredPerSecond: rate, achievedPerSecond: achieved, renewals: done, failures: result.failures, caCores: cores, cpuPerRenewalUs,
        p50Ms: quantile(result.latenciesMs, 0.5), p99Ms: p99, rssBytes: after.rssBytes, heapUsedBytes: after.heapUsedBytes,
      };
      phases.push(phase);
      const label = `${fleet / 1000}k agents`;
      // When the generator could not offer the whole rate, the CA's share at that
      // rate is its idle CPU plus the rate times its measured cost per renewal.
      const measuredAtRate = achieved >= rate * 0.95;
      const coresAtRate = measuredAtRate ? cores : idleCores + (rate * cpuPerRenewalUs) / 1e6;
      const how = measuredAtRate
        ? 'measured at that rate'
        : `extrapolated: the load generator (same 2 cores, ${MAX_IN_FLIGHT} renewals pending at most) reached ${achieved.toFixed(0)}/s`;
      const failed = result.failures > 0 ? `; ${result.failures} renewals failed` : '';
      rows.push(
        row({
          bench: 'scale', figure: `${label}: CA CPU, share of 2 cores (${rate.toFixed(0)} renewals/s)`,
          value: result.failures > 0 ? undefined : (coresAtRate / 2) * 100, unit: '%', target: { op: '<', value: 50 },
          note: `${how}; ${Math.round(cpuPerRenewalUs)} µs CA CPU per renewal incl. its mTLS handshake; idle ${((idleCores / 2) * 100).toFixed(1)} %${failed}`,
        }),
        row({
          bench: 'scale', figure: `${label}: CA memory (RSS)`, value: after.rssBytes / 2 ** 20, unit: 'MiB',
          note: `heap used ${(after.heapUsedBytes / 2 ** 20).toFixed(0)} MiB; renewal p50 ${quantile(result.latenciesMs, 0.5).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`,
        }),
      );
      Object.assign(phase, { coresAtRate, measuredAtRate, shed: result.shed });
    }
    return { rows, details: { phaseMs, poolSize, idleCores, phases } };
  } finally {
    orchestrator.close();
    await ca.close();
  }
}
