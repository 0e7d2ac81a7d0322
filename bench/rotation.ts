/**
 * Rotation on the agent side: what X509Source.rotate() costs the agent's process
 * (a new key, a CSR, RenewX509SVID over mutual TLS to the CA, the new SVID
 * swapped in, the agent's own mTLS server given the new context, the revocation
 * stream reopened), what it costs an agent that also calls peers, and whether
 * calls between two agents fail while both rotate under load. The CA runs in its own process, so this process's CPU is the
 * agents'.
 */
import type { AddressInfo } from 'node:net';
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

export async function rotationBenchmark(ctx: BenchContext): Promise<BenchResult> {
  const rotations = ctx.quick ? 40 : 200;
  const loadMs = ctx.quick ? 3000 : 10_000;
  const rotateEveryMs = 100;
  const callRounds = ctx.quick ? 20 : 100;
  const ca = await CaProcess.start();
  const orchestrator = await attestOrchestrator(ca, 'bench-orch');
  const sources: X509Source[] = [];
  let server: tls.Server | undefined;
  try {
    const activate = async () => {
      const spawned = await orchestrator.spawn('rotation', { sponsor: 'user:bench' });
      const ticket = spawned.env.TESSERA_SPAWN_TICKET!;
      const source = await X509Source.fromTicket({ ticket, endpoints: ca.endpoints, bundle: ca.bundle });
      sources.push(source);
      return source;
    };
    const service = await activate();
    const caller = await activate();
    // The service agent serves mTLS: its rotation also swaps the server's context.
    server = createMtlsServer(service, service, authorizeId(caller.getX509Svid().id), {}, (socket) => {
      socket.once('data', () => socket.end('pong'));
    });
    const port = await new Promise<number>((resolve) => server!.listen(0, '127.0.0.1', () => resolve((server!.address() as AddressInfo).port)));

    ctx.log(`rotation: ${rotations} rotations of an agent that serves mTLS`);
    for (let i = 0; i < 10; i++) await service.rotate(); // warm-up
    const cpuBefore = cpuMicros();
    const started = nowMs();
    for (let i = 0; i < rotations; i++) await service.rotate();
    const cpuPerRotationUs = (cpuMicros() - cpuBefore) / rotations;
    const wallPerRotationMs = (nowMs() - started) / rotations;

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
          bench: 'rotation', figure: 'agent CPU per rotation', value: cpuPerRotationUs / 1000, unit: 'ms', target: { op: '<=', value: 2 },
          note: `new key, CSR, renewal over a new mTLS connection to the CA, server context swap, revocation stream reopened; ${wallPerRotationMs.toFixed(1)} ms wall each`,
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
        rotations, cpuPerRotationUs, wallPerRotationMs, callRounds, callAloneUs, callerRotationUs, loadMs, rotateEveryMs, calls: load.latenciesMs.length, failedCalls: load.failures,
        rotatedUnderLoad: rotated, rotationFailures,
      },
    };
  } finally {
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    for (const source of sources) source.close();
    orchestrator.close();
    await ca.close();
  }
}
