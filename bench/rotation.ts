/**
 * Rotation: what X509Source.rotate() costs the agent's process (a new key, a
 * CSR, the renewal, the new SVID swapped in, the agent's own mTLS server given
 * the new context, over mTLS the revocation stream reopened) and the CA's, for both ways
 * of renewing (a signed proof over the kept channel, and a new mutual-TLS
 * connection) measured in alternating blocks of the same run; what a rotation
 * costs an agent that also calls peers; and whether calls between two agents
 * fail while both rotate under load. The CA runs in its own process, so this
 * process's CPU is the agents'.
 */
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type tls from 'node:tls';
import { authorizeId } from '../agent-sdk/authorizer.js';
import { connectMtls, createMtlsServer } from '../agent-sdk/tls.js';
import { X509Source } from '../agent-sdk/x509-source.js';
import type { BenchContext, BenchResult } from './bench.js';
import { attestOrchestrator } from './agents.js';
import { CaProcess } from './ca-handle.js';
import { row } from './report.js';
import { closedLoop, cpuMicros, nowMs, sleep } from './stats.js';

const CALLERS_IN_FLIGHT = 4;

/** The two ways an agent proves its current SVID to renew it (RotationOptions.renewWith). */
const PATHS = ['mutual-tls', 'proof'] as const;
type RenewPath = (typeof PATHS)[number];
/** Rotations per measured block; the two paths alternate block by block, so both see the same machine. */
const BLOCK = 20;
/** The fleet: 100k agents on 5-minute SVIDs, each rotating at half-life. */
const FLEET = { agents: 100_000, svidLifetimeS: 300, rotateAt: 0.5, cores: 2 } as const;

export async function rotationBenchmark(ctx: BenchContext): Promise<BenchResult> {
  const rotations = ctx.quick ? 40 : 200;
  const loadMs = ctx.quick ? 3000 : 10_000;
  const rotateEveryMs = 100;
  const callRounds = ctx.quick ? 20 : 100;
  const ca = await CaProcess.start();
  const orchestrator = await attestOrchestrator(ca, 'bench-orch');
  const sources: X509Source[] = [];
  const servers: tls.Server[] = [];
  try {
    const activate = async (renewWith: RenewPath = 'proof') => {
      const spawned = await orchestrator.spawn('rotation', { sponsor: 'user:bench' });
      const ticket = spawned.env.TESSERA_SPAWN_TICKET!;
      const source = await X509Source.fromTicket({ ticket, endpoints: ca.endpoints, bundle: ca.bundle, rotation: { renewWith } });
      sources.push(source);
      return source;
    };
    const serve = async (source: X509Source, peer: X509Source) => {
      const server = createMtlsServer(source, source, authorizeId(peer.getX509Svid().id), {}, (socket) => {
        socket.once('data', () => socket.end('pong'));
      });
      servers.push(server);
      return new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
    };
    const caller = await activate();
    // One agent per path, each serving mTLS: its rotation also swaps its server's context.
    const services = { 'mutual-tls': await activate('mutual-tls'), proof: await activate('proof') };
    await serve(services['mutual-tls'], caller);
    // The calls below go to the agent that renews the default way.
    const service = services.proof;
    const port = await serve(service, caller);

    ctx.log(`rotation: ${rotations} rotations of an agent that serves mTLS, per path (${PATHS.join(', ')}), in alternating blocks of ${BLOCK}`);
    for (const path of PATHS) for (let i = 0; i < 10; i++) await services[path].rotate(); // warm-up
    const spent = Object.fromEntries(PATHS.map((p) => [p, { agentUs: 0, caUs: 0, wallMs: 0, rotations: 0 }])) as Record<RenewPath, { agentUs: number; caUs: number; wallMs: number; rotations: number }>;
    for (let done = 0; done < rotations; done += BLOCK) {
      for (const path of PATHS) {
        const caBefore = await ca.usage();
        const cpuBefore = cpuMicros();
        const started = nowMs();
        for (let i = 0; i < BLOCK; i++) await services[path].rotate();
        spent[path].wallMs += nowMs() - started;
        spent[path].agentUs += cpuMicros() - cpuBefore;
        spent[path].caUs += (await ca.usage()).cpuMicros - caBefore.cpuMicros;
        spent[path].rotations += BLOCK;
      }
    }
    const per = (path: RenewPath) => ({
      agentUs: spent[path].agentUs / spent[path].rotations, caUs: spent[path].caUs / spent[path].rotations, wallMs: spent[path].wallMs / spent[path].rotations,
    });
    const [mtls, proof] = [per('mutual-tls'), per('proof')];
    // Many agents renewing at once, as a fleet does: the CA groups their journal writes.
    const fleetAgents = ctx.quick ? 16 : 32;
    const fleetMs = ctx.quick ? 2000 : 5000;
    ctx.log(`rotation: ${fleetAgents} agents per path rotating back to back for ${fleetMs} ms, the paths one after the other`);
    const concurrent = {} as Record<RenewPath, { agentUs: number; caUs: number; renewals: number; failures: number }>;
    for (const path of PATHS) {
      const fleet = await Promise.all(Array.from({ length: fleetAgents }, () => activate(path)));
      // Each agent rotates back to back on its own: two rotations of one SVID at once would race for the newest serial.
      const rotateAll = async (ms: number) => {
        const until = nowMs() + ms;
        const counts = { renewals: 0, failures: 0 };
        await Promise.all(fleet.map(async (source) => {
          while (nowMs() < until) await source.rotate().then(() => counts.renewals++, () => counts.failures++);
        }));
        return counts;
      };
      await rotateAll(500); // warm-up
      if (ctx.cpuProfileDir) await ca.startProfile();
      const caBefore = await ca.usage();
      const cpuBefore = cpuMicros();
      const run = await rotateAll(fleetMs);
      const agentUs = cpuMicros() - cpuBefore;
      const caAfter = await ca.usage();
      if (ctx.cpuProfileDir) await ca.stopProfile(join(ctx.cpuProfileDir, `ca-rotation-${path}-${fleetAgents}.cpuprofile`));
      concurrent[path] = { agentUs: agentUs / run.renewals, caUs: (caAfter.cpuMicros - caBefore.cpuMicros) / run.renewals, ...run };
      for (const source of fleet) source.close();
    }

    // Each agent renews once per rotateAt of its lifetime; the CA's share of its cores at that rate.
    const renewalsPerSecond = FLEET.agents / (FLEET.svidLifetimeS * FLEET.rotateAt);
    const fleetShare = (caUs: number) => (renewalsPerSecond * caUs) / 1e6 / FLEET.cores;

    const serviceId = service.getX509Svid().id;
    const call = async () => {
      const socket = await connectMtls({ host: '127.0.0.1', port }, caller, caller, authorizeId(serviceId));
      await new Promise<void>((resolve, reject) => {
        socket.once('data', () => {
          socket.destroy();
          resolve();
        });
        socket.once('error', reject);
        socket.write('ping');
      });
    };

    // An agent that also calls peers over node:tls: its client connections and its
    // channel to the CA share one context, so a rotation builds it no third one.
    ctx.log(`rotation: ${callRounds} rounds of an agent that rotates, then makes one mTLS call, against the call alone`);
    const cpuPer = async (rounds: number, round: () => Promise<unknown>) => {
      const before = cpuMicros();
      for (let i = 0; i < rounds; i++) await round();
      return (cpuMicros() - before) / rounds;
    };
    const rotateThenCall = async () => {
      await caller.rotate();
      await call();
    };
    await cpuPer(10, rotateThenCall); // warm-up
    const callAloneUs = await cpuPer(callRounds, call);
    const callerRotationUs = (await cpuPer(callRounds, rotateThenCall)) - callAloneUs;

    ctx.log(`rotation: calls between two agents for ${loadMs} ms, one of them rotating every ${rotateEveryMs} ms`);
    let rotating = true;
    let rotated = 0;
    let rotationFailures = 0;
    const rotator = (async () => {
      for (let i = 0; rotating; i++) {
        await (i % 2 ? caller : service).rotate().then(() => rotated++, () => rotationFailures++);
        await sleep(rotateEveryMs);
      }
    })();
    const load = await closedLoop(CALLERS_IN_FLIGHT, nowMs() + loadMs, call);
    rotating = false;
    await rotator;
    if (load.failures) ctx.log(`rotation: ${load.failures} failed calls, first: ${String(load.firstError)}`);

    return {
      rows: [
        row({
          bench: 'rotation', figure: 'agent CPU per rotation, renewal proof over the kept channel', value: proof.agentUs / 1000, unit: 'ms',
          target: { op: '<=', value: 2 }, reference: { name: 'the same over a new mTLS connection', value: mtls.agentUs / 1000, unit: 'ms' },
          note: `new key, CSR, signed proof, renewal on the kept public channel, server context swap (the revocation stream goes on); ${proof.wallMs.toFixed(1)} ms wall each`,
        }),
        row({
          bench: 'rotation', figure: 'agent CPU per rotation, renewal over a new mTLS connection', value: mtls.agentUs / 1000, unit: 'ms',
          note: `the path before proofs (renewWith: 'mutual-tls'); ${mtls.wallMs.toFixed(1)} ms wall each`,
        }),
        row({
          bench: 'rotation', figure: 'CA CPU per renewal, renewal proof over the kept channel', value: proof.caUs / 1000, unit: 'ms',
          target: { op: '<=', value: 0.5 }, reference: { name: 'the same over a new mTLS connection', value: mtls.caUs / 1000, unit: 'ms' },
          note: 'the CA process, all threads, while one agent rotates back to back (over mTLS this includes reopening its revocation stream)',
        }),
        row({ bench: 'rotation', figure: 'CA CPU per renewal, renewal over a new mTLS connection', value: mtls.caUs / 1000, unit: 'ms' }),
        row({
          bench: 'rotation', figure: `CA CPU per renewal, ${fleetAgents} agents at once, renewal proof`, value: concurrent.proof.caUs / 1000, unit: 'ms',
          target: { op: '<=', value: 0.5 }, reference: { name: 'the same over new mTLS connections', value: concurrent['mutual-tls'].caUs / 1000, unit: 'ms' },
          note: `${concurrent.proof.renewals} renewals (${concurrent['mutual-tls'].renewals} over mTLS); agent CPU ${(concurrent.proof.agentUs / 1000).toFixed(2)} ms per rotation (${(concurrent['mutual-tls'].agentUs / 1000).toFixed(2)} over mTLS)`
            + (concurrent.proof.failures + concurrent['mutual-tls'].failures ? `; ${concurrent.proof.failures} + ${concurrent['mutual-tls'].failures} failed` : ''),
        }),
        row({
          bench: 'rotation', figure: `CA share of ${FLEET.cores} cores, ${FLEET.agents / 1000}k agents on ${FLEET.svidLifetimeS / 60}-min SVIDs (proof)`,
          value: fleetShare(concurrent.proof.caUs) * 100, unit: '%', target: { op: '<', value: 50 },
          reference: { name: 'over mTLS', value: fleetShare(concurrent['mutual-tls'].caUs) * 100, unit: '%' },
          note: `${Math.round(renewalsPerSecond)} renewals/s (a rotation at ${FLEET.rotateAt} of the lifetime) × the CA CPU per renewal with ${fleetAgents} agents at once`,
        }),
        row({
          bench: 'rotation', figure: 'agent CPU per rotation, an agent that also calls over mTLS', value: callerRotationUs / 1000, unit: 'ms',
          reference: { name: 'one mTLS call alone, both sides', value: callAloneUs / 1000, unit: 'ms' },
          note: 'rotate then one node:tls call, minus the call alone; its client connections and the CA channel share one context',
        }),
        row({
          bench: 'rotation', figure: `failed calls while rotating (${load.latenciesMs.length} calls, ${rotated} rotations)`, value: load.failures, unit: '',
          target: { op: '<=', value: 0 }, ...(rotationFailures ? { note: `${rotationFailures} rotations failed` } : {}),
        }),
      ],
      details: {
        rotations, perRotation: { 'mutual-tls': mtls, proof }, concurrent, renewalsPerSecond, callRounds, callAloneUs, callerRotationUs, loadMs, rotateEveryMs, calls: load.latenciesMs.length, failedCalls: load.failures,
        rotatedUnderLoad: rotated, rotationFailures,
      },
    };
  } finally {
    for (const server of servers) await new Promise((resolve) => server.close(resolve));
    for (const source of sources) source.close();
    orchestrator.close();
    await ca.close();
  }
}
