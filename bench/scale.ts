/**
 * A CA serving N agents on 5-minute SVIDs. Each agent renews at half-life, so
 * N agents mean N / 150 renewals per second, simulated at that rate with a pool
 * of real identities renewing in turn, open loop, while the CA's CPU and memory
 * are read from its process. Both ways an agent renews are measured, one after
 * the other: a new key, a CSR and
 * - a new mutual-TLS connection with the agent's newest SVID (only that one may
 *   renew), RenewX509SVID through the SDK's CaClient, as before renewal proofs;
 * - RenewX509SVIDWithProof on a kept connection, the CSR and a proof signed with
 *   the newest SVID's key (what X509Source does by default), sent by the raw
 *   HTTP/2 gRPC client (grpc-load.ts), which shares the 2 cores with the CA and
 *   costs it less than the SDK's grpc-js would.
 */
import { createPublicKey } from 'node:crypto';
import { join } from 'node:path';
import { CaClient } from '../agent-sdk/ca-client.js';
import { createCsr } from '../agent-sdk/csr.js';
import { generateP256Key } from '../agent-sdk/p256-key.js';
import { tesseraProto } from '../agent-sdk/proto.js';
import type { X509Svid } from '../agent-sdk/svid.js';
import { proveSvid } from '../agent-sdk/svid-proof.js';
import { verifyX509Svid } from '../agent-sdk/verify.js';
import type { BenchContext, BenchResult } from './bench.js';
import { activateAgents, attestOrchestrator, svidOf } from './agents.js';
import { CaProcess } from './ca-handle.js';
import { GrpcLoadClient, grpcFrame } from './grpc-load.js';
import { WindowProfiler } from './profiler.js';
import { type Row, row } from './report.js';
import { threadCpuDelta } from './threads.js';
import { cpuMicros, nowMs, openLoop, quantile, sleep } from './stats.js';

const AGENT_SVID_MS = 5 * 60_000;
const FLEETS = [10_000, 100_000] as const;
/** More renewals pending than this means the load generator, not the CA, is behind: the rest are shed. */
const MAX_IN_FLIGHT = 64;
/** The two ways to renew (RotationOptions.renewWith). */
const PATHS = ['mutual-tls', 'proof'] as const;
type RenewPath = (typeof PATHS)[number];
/** Proof renewals decoded and verified as an agent would, after each phase. */
const SAMPLE = 50;

export async function scaleBenchmark(ctx: BenchContext): Promise<BenchResult> {
  const phaseMs = ctx.quick ? 3000 : 20_000;
  const ca = await CaProcess.start({ config: { ttl: { spawnTicket: '10m' } } });
  const orchestrator = await attestOrchestrator(ca, 'bench-orch');
  let load: GrpcLoadClient | undefined;
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
    load = await GrpcLoadClient.create({ address: ca.endpoints.address, bundle: ca.bundle, sessions: 4 });
    const method = tesseraProto().tessera.v1.SVIDService.service.RenewX509SVIDWithProof;
    const renewWithProof = load.unary(method.path);
    const bundles = { getX509BundleForTrustDomain: (td: string) => (td === ca.bundle.trustDomain ? ca.bundle : undefined) };
    for (const fleet of FLEETS) for (const path of PATHS) {
      const rate = fleet / (AGENT_SVID_MS / 2 / 1000);
      const count = Math.ceil((rate * phaseMs) / 1000);
      ctx.log(`scale: ${fleet.toLocaleString('en-US')} agents = ${rate.toFixed(0)} renewals/s for ${phaseMs} ms, ${path} (${count} keys first)`);
      const keys = Array.from({ length: count }, () => {
        const privateKey = generateP256Key();
        return { key: privateKey, csr: createCsr(privateKey) };
      });
      let used = 0;
      const issued: X509Svid[] = [];
      const renewOverMtls = (slot: number, current: X509Svid, fresh: (typeof keys)[number]) => {
        // A client per renewal: the SDK opens a new connection with each new SVID.
        const client = new CaClient({ endpoints: ca.endpoints, bundle: ca.bundle, svid: { getX509Svid: () => current } });
        return client.renew(fresh.csr).then((reply) => {
          pool[slot] = svidOf(reply, fresh.key);
        }).finally(() => client.close());
      };
      const renewOverKeptChannel = async (slot: number, current: X509Svid, fresh: (typeof keys)[number]) => {
        const proof = proveSvid(current, 'renewal', fresh.csr, Date.now());
        const reply = method.responseDeserialize(await renewWithProof(grpcFrame(method.requestSerialize({ csr: fresh.csr, proof }))));
        const chain = reply.svid?.certChain ?? [];
        if (reply.svid?.spiffeId !== current.id.toString() || chain.length === 0) throw new Error(`the renewal of ${current.id} answered ${reply.svid?.spiffeId}`);
        pool[slot] = { ...current, certificates: chain.map((der) => Buffer.from(der)), privateKey: fresh.key };
        issued.push(pool[slot]!);
      };
      const renew = () => {
        const fresh = keys[used++];
        if (!fresh) return undefined;
        const slot = next++ % pool.length;
        return (path === 'proof' ? renewOverKeptChannel : renewOverMtls)(slot, pool[slot]!, fresh);
      };
      const profiler = ctx.cpuProfileDir ? await WindowProfiler.start() : undefined;
      if (ctx.cpuProfileDir) await ca.startProfile();
      const before = await ca.usage();
      const loadCpuBefore = cpuMicros();
      const started = nowMs();
      const result = await openLoop(rate, phaseMs, renew, MAX_IN_FLIGHT);
      const elapsedMs = nowMs() - started;
      const loadCpuUs = cpuMicros() - loadCpuBefore;
      const after = await ca.usage();
      if (ctx.cpuProfileDir) {
        await ca.stopProfile(join(ctx.cpuProfileDir, `ca-scale-${fleet / 1000}k-${path}.cpuprofile`));
        await profiler?.stop(join(ctx.cpuProfileDir, `loadgen-scale-${fleet / 1000}k-${path}.cpuprofile`));
      }
      if (result.failures) ctx.log(`scale: ${result.failures} failed renewals, first: ${String(result.firstError)}`);
      // What an agent checks of its new SVID: a chain to the bundle, its own ID, its new key.
      let sampleFailures = 0;
      for (let k = 0; k < Math.min(SAMPLE, issued.length); k++) {
        const svid = issued[Math.floor((k * issued.length) / Math.min(SAMPLE, issued.length))]!;
        try {
          const { id, verifiedChain } = verifyX509Svid(svid.certificates, bundles);
          if (!id.equals(svid.id) || !verifiedChain[0]!.publicKey.equals(createPublicKey(svid.privateKey))) throw new Error(`the SVID of ${svid.id} is not for its new key`);
        } catch (err) {
          if (sampleFailures++ === 0) ctx.log(`scale: a renewed SVID failed verification: ${String(err)}`);
        }
      }
      const done = result.latenciesMs.length;
      const cores = (after.cpuMicros - before.cpuMicros) / 1000 / elapsedMs;
      const cpuPerRenewalUs = (after.cpuMicros - before.cpuMicros) / done;
      const achieved = (done * 1000) / elapsedMs;
      const p99 = quantile(result.latenciesMs, 0.99);
      const phase: Record<string, unknown> = {
        fleet, path, offeredPerSecond: rate, achievedPerSecond: achieved, renewals: done, failures: result.failures, caCores: cores, cpuPerRenewalUs,
        p50Ms: quantile(result.latenciesMs, 0.5), p99Ms: p99, rssBytes: after.rssBytes, heapUsedBytes: after.heapUsedBytes,
        loadGeneratorCpuPerRenewalUs: loadCpuUs / done, caThreadsCpuUs: threadCpuDelta(before.threads, after.threads),
        ...(path === 'proof' ? { samplesChecked: Math.min(SAMPLE, issued.length), sampleFailures } : {}),
      };
      phases.push(phase);
      const label = `${fleet / 1000}k agents, ${path === 'proof' ? 'renewal proof' : 'mTLS'}`;
      // When the generator could not offer the whole rate, the CA's share at that
      // rate is its idle CPU plus the rate times its measured cost per renewal.
      const measuredAtRate = achieved >= rate * 0.95;
      const coresAtRate = measuredAtRate ? cores : idleCores + (rate * cpuPerRenewalUs) / 1e6;
      const how = measuredAtRate
        ? 'measured at that rate'
        : `extrapolated: the load generator (same 2 cores, ${MAX_IN_FLIGHT} renewals pending at most) reached ${achieved.toFixed(0)}/s`;
      const failed = [
        ...(result.failures > 0 ? [`${result.failures} renewals failed`] : []),
        ...(path === 'proof' && sampleFailures > 0 ? [`${sampleFailures} sampled SVIDs failed verification`] : []),
        ...(path === 'proof' && issued.length === 0 ? ['no SVID to verify'] : []),
      ].map((problem) => `; ${problem}`).join('');
      const what = path === 'proof'
        ? `a proof over a kept connection; generator ${Math.round(loadCpuUs / done)} µs per renewal`
        : 'incl. its mTLS handshake';
      rows.push(
        row({
          bench: 'scale', figure: `${label}: CA CPU, share of 2 cores (${rate.toFixed(0)} renewals/s)`,
          value: failed ? undefined : (coresAtRate / 2) * 100, unit: '%', target: { op: '<', value: 50 },
          note: `${how}; ${Math.round(cpuPerRenewalUs)} µs CA CPU per renewal, ${what}; idle ${((idleCores / 2) * 100).toFixed(1)} %${failed}`,
        }),
        ...(path === 'proof' ? [row({
          bench: 'scale', figure: `${label}: CA CPU per renewal (${rate.toFixed(0)}/s)`, value: cpuPerRenewalUs / 1000, unit: 'ms', target: { op: '<=', value: 0.5 },
          note: 'the CA process, every thread, over the phase',
        })] : []),
        row({
          bench: 'scale', figure: `${label}: CA memory (RSS)`, value: after.rssBytes / 2 ** 20, unit: 'MiB',
          note: `heap used ${(after.heapUsedBytes / 2 ** 20).toFixed(0)} MiB; renewal p50 ${quantile(result.latenciesMs, 0.5).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`,
        }),
      );
      Object.assign(phase, { coresAtRate, measuredAtRate, shed: result.shed });
    }
    return { rows, details: { phaseMs, poolSize, idleCores, phases } };
  } finally {
    await load?.close();
    orchestrator.close();
    await ca.close();
  }
}
