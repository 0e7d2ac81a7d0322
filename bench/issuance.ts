/**
 * Issuance end to end: agents activate (ticket + CSR -> SVID) over real gRPC
 * and TLS against a CA in its own process, whose audit record is durable
 * (synced level batch) before each reply. Keys, CSRs and spawn tickets are made
 * before each timed part.
 */
import { join } from 'node:path';
import { CaClient } from '../agent-sdk/ca-client.js';
import type { BenchContext, BenchResult } from './bench.js';
import { type PreparedAgent, attestOrchestrator, prepareAgents } from './agents.js';
import { CaProcess } from './ca-handle.js';
import { measureCryptoReference } from './crypto-reference.js';
import { measureIssuePath } from './issue-path.js';
import { WindowProfiler } from './profiler.js';
import { type Row, row } from './report.js';
import { threadCpuDelta } from './threads.js';
import { cpuMicros, closedLoop, nowMs, openLoop, quantile } from './stats.js';

const CONCURRENCIES = [16, 64] as const;
const OFFERED_RATE = 1000;
/** Connections the load generator spreads its calls over. */
const CHANNELS = 4;

export async function issuanceBenchmark(ctx: BenchContext): Promise<BenchResult> {
  const phaseMs = ctx.quick ? 1000 : 5000;
  // Enough tickets for well above the target rate; a phase that runs out ends early.
  const ticketsPerPhase = Math.ceil((ctx.quick ? 2500 : 6000) * (phaseMs / 1000));
  const ca = await CaProcess.start({ config: { ttl: { spawnTicket: '10m' } } });
  const clients = Array.from({ length: CHANNELS }, () => new CaClient({ endpoints: ca.endpoints, bundle: ca.bundle }));
  const orchestrator = await attestOrchestrator(ca, 'bench-orch');
  try {
    let next = 0;
    const activate = (agents: PreparedAgent[]) => {
      let i = 0;
      return () => {
        const agent = agents[i++];
        if (!agent) return undefined;
        return clients[next++ % CHANNELS]!.activate(agent.ticket, agent.csr);
      };
    };

    ctx.log('issuance: warming up');
    const warm = await prepareAgents(orchestrator, ctx.quick ? 300 : 2000);
    await closedLoop(16, Number.POSITIVE_INFINITY, activate(warm.agents));

    ctx.log('issuance: crypto reference');
    const reference = await measureCryptoReference(ctx.quick ? 600 : 2000);

    const phases: Record<string, unknown>[] = [];
    const rows: Row[] = [];
    const ref = { name: 'raw sign+verify, 1 thread', value: reference.signVerifyPerSecond, unit: '/s' };
    for (const concurrency of CONCURRENCIES) {
      ctx.log(`issuance: preparing ${ticketsPerPhase} agents for concurrency ${concurrency}`);
      const { agents, prepareMs } = await prepareAgents(orchestrator, ticketsPerPhase);
      ctx.log(`issuance: concurrency ${concurrency} for ${phaseMs} ms`);
      const loadProfiler = ctx.cpuProfileDir ? await WindowProfiler.start() : undefined;
      if (ctx.cpuProfileDir) await ca.startProfile();
      const before = await ca.usage();
      const loadCpuBefore = cpuMicros();
      const started = nowMs();
      const result = await closedLoop(concurrency, started + phaseMs, activate(agents));
      const elapsedMs = nowMs() - started;
      const after = await ca.usage();
      const loadCpuUs = cpuMicros() - loadCpuBefore;
      if (ctx.cpuProfileDir) {
        await ca.stopProfile(join(ctx.cpuProfileDir, `ca-issuance-c${concurrency}.cpuprofile`));
        await loadProfiler?.stop(join(ctx.cpuProfileDir, `loadgen-issuance-c${concurrency}.cpuprofile`));
      }
      if (result.failures > 0) ctx.log(`issuance: ${result.failures} failures, first: ${String(result.firstError)}`);
      const done = result.latenciesMs.length;
      const perSecond = (done * 1000) / elapsedMs;
      const cpuPerSvidUs = (after.cpuMicros - before.cpuMicros) / done;
      const p50 = quantile(result.latenciesMs, 0.5);
      const p99 = quantile(result.latenciesMs, 0.99);
      phases.push({
        concurrency, svids: done, failures: result.failures, elapsedMs, perSecond, cpuPerSvidUs, p50Ms: p50, p99Ms: p99,
        caCpuCores: (after.cpuMicros - before.cpuMicros) / 1000 / elapsedMs, caRssBytes: after.rssBytes, prepareMs,
        exhaustedTickets: done + result.failures >= agents.length,
        caThreadsCpuUs: threadCpuDelta(before.threads, after.threads), loadGeneratorCpuPerSvidUs: loadCpuUs / done,
      });
      const failed = result.failures > 0 ? `; ${result.failures} failed requests` : '';
      rows.push(
        row({
          bench: 'issuance', figure: `SVIDs/s at concurrency ${concurrency}`, value: perSecond, unit: '/s',
          target: { op: '>=', value: 3000 }, reference: ref,
          note: `CA CPU ${Math.round(cpuPerSvidUs)} µs/SVID; the CA process shares 2 cores with the load generator${failed}`,
        }),
        row({
          bench: 'issuance', figure: `SVIDs/s ÷ raw sign+verify (c${concurrency})`, value: perSecond / reference.signVerifyPerSecond, unit: '',
          target: { op: '>=', value: 0.5 },
        }),
        row({ bench: 'issuance', figure: `CA CPU per SVID (c${concurrency})`, value: cpuPerSvidUs, unit: 'µs', target: { op: '<=', value: 450 } }),
        row({ bench: 'issuance', figure: `latency p50 (c${concurrency})`, value: p50, unit: 'ms' }),
        row({ bench: 'issuance', figure: `latency p99 (c${concurrency})`, value: p99, unit: 'ms' }),
      );
    }

    const rateMs = phaseMs;
    ctx.log(`issuance: preparing ${(OFFERED_RATE * rateMs) / 1000} agents for ${OFFERED_RATE}/s offered`);
    const { agents } = await prepareAgents(orchestrator, Math.ceil((OFFERED_RATE * rateMs) / 1000));
    ctx.log(`issuance: ${OFFERED_RATE}/s offered for ${rateMs} ms`);
    const before = await ca.usage();
    const open = await openLoop(OFFERED_RATE, rateMs, activate(agents));
    const after = await ca.usage();
    const p50 = quantile(open.latenciesMs, 0.5);
    const p99 = quantile(open.latenciesMs, 0.99);
    const cpuPerSvidUs = (after.cpuMicros - before.cpuMicros) / open.latenciesMs.length;
    phases.push({ offeredPerSecond: OFFERED_RATE, svids: open.latenciesMs.length, failures: open.failures, p50Ms: p50, p99Ms: p99, cpuPerSvidUs });
    rows.push(
      row({ bench: 'issuance', figure: `p50 at ${OFFERED_RATE.toLocaleString('en-US')}/s offered`, value: p50, unit: 'ms', target: { op: '<=', value: 2 } }),
      row({
        bench: 'issuance', figure: `p99 at ${OFFERED_RATE.toLocaleString('en-US')}/s offered`, value: p99, unit: 'ms', target: { op: '<=', value: 10 },
        ...(open.failures > 0 ? { note: `${open.failures} failed requests` } : {}),
      }),
    );

    ctx.log('issuance: gRPC floor (GetTrustBundle, same CA and connections)');
    const floorBefore = await ca.usage();
    const floorStarted = nowMs();
    const floor = await closedLoop(64, floorStarted + Math.min(phaseMs, 3000), () => clients[next++ % CHANNELS]!.getTrustBundle());
    const floorMs = nowMs() - floorStarted;
    const floorAfter = await ca.usage();
    const floorPerSecond = (floor.latenciesMs.length * 1000) / floorMs;
    const floorCpuUs = (floorAfter.cpuMicros - floorBefore.cpuMicros) / floor.latenciesMs.length;

    ctx.log('issuance: the issue path without gRPC, in this process');
    const path = await measureIssuePath(ctx.quick ? 1500 : 5000, 64);
    rows.push(
      row({
        bench: 'issuance', figure: 'raw sign+verify, two threads at once', value: reference.signVerifyPerSecondTwoThreads, unit: '/s',
        reference: ref, note: 'what a second core adds to ECDSA on this machine',
      }),
      row({
        bench: 'issuance', figure: 'gRPC floor: GetTrustBundle calls/s (c64)', value: floorPerSecond, unit: '/s',
        note: `the same CA, connections and load generator with no issuance work: ${Math.round(floorCpuUs)} µs CA CPU per call`,
      }),
      row({
        bench: 'issuance', figure: 'issue path without gRPC, 1 thread (c64)', value: path.perSecond, unit: '/s', reference: ref,
        note: `CSR check, sign, re-check, durable audit in this process: ${Math.round(path.cpuPerSvidUs)} µs CPU per SVID`,
      }),
    );
    return { rows, details: { phaseMs, reference, phases, grpcFloor: { perSecond: floorPerSecond, caCpuPerCallUs: floorCpuUs }, issuePath: path } };
  } finally {
    orchestrator.close();
    for (const client of clients) client.close();
    await ca.close();
  }
}
