/**
 * Issuance end to end: agents activate (ticket + CSR -> SVID) over real gRPC
 * and TLS against a CA in its own process, whose audit record is durable
 * (synced level batch) before each reply. Keys, CSRs, spawn tickets and the
 * encoded requests are made before each timed part. The load generator shares
 * the machine's cores with the CA, so it is a raw HTTP/2 gRPC client
 * (grpc-load.ts) rather than the SDK's CaClient; after each timed part a sample
 * of its replies is decoded and verified as an agent would.
 */
import { createPublicKey } from 'node:crypto';
import { join } from 'node:path';
import type { X509Bundle, X509BundleSource } from '../agent-sdk/bundle.js';
import { tesseraProto } from '../agent-sdk/proto.js';
import { verifyX509Svid } from '../agent-sdk/verify.js';
import type { BenchContext, BenchResult } from './bench.js';
import { type PreparedAgent, attestOrchestrator, prepareAgents } from './agents.js';
import { CaProcess } from './ca-handle.js';
import { measureCryptoReference } from './crypto-reference.js';
import { GrpcLoadClient, type UnaryCaller, grpcFrame } from './grpc-load.js';
import { measureIssuePath } from './issue-path.js';
import { STEP_CA_HOW_TO, type StepCaRun, measureStepCa } from './peer-step-ca.js';
import { WindowProfiler } from './profiler.js';
import { type Row, row } from './report.js';
import { machineCpuMicros, threadCpuDelta } from './threads.js';
import { cpuMicros, closedLoop, nowMs, openLoop, quantile } from './stats.js';

const CONCURRENCIES = [16, 64] as const;
const OFFERED_RATE = 1000;
/** Connections the load generator spreads its calls over. */
const CHANNELS = 4;
/** Replies decoded and verified after each timed part. */
const SAMPLE = 50;
const ORCHESTRATOR = 'bench-orch';
/** The task prepareAgents spawns agents for. */
const TASK = 'bench';

export async function issuanceBenchmark(ctx: BenchContext): Promise<BenchResult> {
  const phaseMs = ctx.quick ? 1000 : 5000;
  // Enough tickets for well above the target rate; a phase that runs out ends early.
  const ticketsPerPhase = Math.ceil((ctx.quick ? 2500 : 6000) * (phaseMs / 1000));
  const ca = await CaProcess.start({ config: { ttl: { spawnTicket: '10m' } } });
  const orchestrator = await attestOrchestrator(ca, ORCHESTRATOR);
  let load: GrpcLoadClient | undefined;
  try {
    load = await GrpcLoadClient.create({ address: ca.endpoints.address, bundle: ca.bundle, sessions: CHANNELS });
    const v1 = tesseraProto().tessera.v1;
    const activate = load.unary(v1.SVIDService.service.Activate.path);
    const getTrustBundle = load.unary(v1.TrustBundleService.service.GetTrustBundle.path);

    ctx.log('issuance: warming up');
    const warm = prepareActivations((await prepareAgents(orchestrator, ctx.quick ? 300 : 2000, TASK)).agents, activate, ca.bundle);
    const warmResult = await closedLoop(16, Number.POSITIVE_INFINITY, warm.next);
    const warmCheck = warm.verifySample(SAMPLE);
    if (warmResult.failures > 0) ctx.log(`issuance: warm-up: ${warmResult.failures} failures, first: ${String(warmResult.firstError)}`);
    logSampleFailures(ctx, 'warm-up', warmCheck);

    ctx.log('issuance: crypto reference');
    const reference = await measureCryptoReference(ctx.quick ? 600 : 2000);

    const phases: Record<string, unknown>[] = [];
    const rows: Row[] = [];
    const ref = { name: 'raw sign+verify, 1 thread', value: reference.signVerifyPerSecond, unit: '/s' };
    /** One closed-loop phase of Activate calls at `concurrency`, on agents prepared for it; `label` names its profiles. */
    const measureActivations = async (concurrency: number, label: string): Promise<ActivationPhase> => {
      ctx.log(`issuance: preparing ${ticketsPerPhase} agents for concurrency ${concurrency}`);
      const { agents, prepareMs } = await prepareAgents(orchestrator, ticketsPerPhase, TASK);
      const activations = prepareActivations(agents, activate, ca.bundle);
      ctx.log(`issuance: concurrency ${concurrency} for ${phaseMs} ms`);
      const loadProfiler = ctx.cpuProfileDir ? await WindowProfiler.start() : undefined;
      if (ctx.cpuProfileDir) await ca.startProfile();
      const before = await ca.usage();
      const loadCpuBefore = cpuMicros();
      const machineBefore = machineCpuMicros();
      const started = nowMs();
      const result = await closedLoop(concurrency, started + phaseMs, activations.next);
      const elapsedMs = nowMs() - started;
      const machineAfter = machineCpuMicros();
      const after = await ca.usage();
      const loadCpuUs = cpuMicros() - loadCpuBefore;
      if (ctx.cpuProfileDir) {
        await ca.stopProfile(join(ctx.cpuProfileDir, `ca-issuance-${label}.cpuprofile`));
        await loadProfiler?.stop(join(ctx.cpuProfileDir, `loadgen-issuance-${label}.cpuprofile`));
      }
      const check = activations.verifySample(SAMPLE);
      if (result.failures > 0) ctx.log(`issuance: ${result.failures} failures, first: ${String(result.firstError)}`);
      logSampleFailures(ctx, `concurrency ${concurrency}`, check);
      const done = result.latenciesMs.length;
      const caCpuUs = after.cpuMicros - before.cpuMicros;
      // What the rest of the machine took meanwhile, in cores: its busy time less the CA's and the generator's.
      const otherProcsCpuCores = machineBefore && machineAfter
        ? Math.max(0, machineAfter.busy - machineBefore.busy - caCpuUs - loadCpuUs) / 1000 / elapsedMs : undefined;
      const phase: ActivationPhase = {
        concurrency, svids: done, failures: result.failures, elapsedMs, perSecond: (done * 1000) / elapsedMs, cpuPerSvidUs: caCpuUs / done,
        p50Ms: quantile(result.latenciesMs, 0.5), p99Ms: quantile(result.latenciesMs, 0.99),
        caCpuCores: caCpuUs / 1000 / elapsedMs, caRssBytes: after.rssBytes, prepareMs,
        exhaustedTickets: done + result.failures >= agents.length,
        caThreadsCpuUs: threadCpuDelta(before.threads, after.threads), loadGeneratorCpuPerSvidUs: loadCpuUs / done,
        ...(otherProcsCpuCores === undefined ? {} : { otherProcsCpuCores }),
        ...sampleDetails(check),
        notes: failureNotes(result.failures, check),
      };
      phases.push(phase);
      return phase;
    };
    for (const concurrency of CONCURRENCIES) {
      const { perSecond, cpuPerSvidUs, loadGeneratorCpuPerSvidUs, p50Ms, p99Ms, notes } = await measureActivations(concurrency, `c${concurrency}`);
      rows.push(
        row({
          bench: 'issuance', figure: `SVIDs/s at concurrency ${concurrency}`, value: perSecond, unit: '/s',
          target: { op: '>=', value: 3000 }, reference: ref,
          note: [
            `CA CPU ${Math.round(cpuPerSvidUs)} µs/SVID; the CA process shares 2 cores with the load generator (${Math.round(loadGeneratorCpuPerSvidUs)} µs/SVID)`,
            ...notes,
          ].join('; '),
        }),
        row({
          bench: 'issuance', figure: `SVIDs/s ÷ raw sign+verify (c${concurrency})`, value: perSecond / reference.signVerifyPerSecond, unit: '',
          target: { op: '>=', value: 0.5 },
        }),
        row({ bench: 'issuance', figure: `CA CPU per SVID (c${concurrency})`, value: cpuPerSvidUs, unit: 'µs', target: { op: '<=', value: 450 } }),
        row({ bench: 'issuance', figure: `latency p50 (c${concurrency})`, value: p50Ms, unit: 'ms' }),
        row({ bench: 'issuance', figure: `latency p99 (c${concurrency})`, value: p99Ms, unit: 'ms' }),
      );
    }

    const sideBySide = ctx.peerStepCa ? await alternateWithStepCa(ctx, ctx.peerStepCa, phases.at(-1) as ActivationPhase, measureActivations, phaseMs) : undefined;
    rows.push(...stepCaRows(sideBySide));

    const rateMs = phaseMs;
    ctx.log(`issuance: preparing ${(OFFERED_RATE * rateMs) / 1000} agents for ${OFFERED_RATE}/s offered`);
    const { agents } = await prepareAgents(orchestrator, Math.ceil((OFFERED_RATE * rateMs) / 1000), TASK);
    const offered = prepareActivations(agents, activate, ca.bundle);
    ctx.log(`issuance: ${OFFERED_RATE}/s offered for ${rateMs} ms`);
    const before = await ca.usage();
    const loadCpuBefore = cpuMicros();
    const open = await openLoop(OFFERED_RATE, rateMs, offered.next);
    const loadCpuUs = cpuMicros() - loadCpuBefore;
    const after = await ca.usage();
    const openCheck = offered.verifySample(SAMPLE);
    if (open.failures > 0) ctx.log(`issuance: ${open.failures} failures at ${OFFERED_RATE}/s offered, first: ${String(open.firstError)}`);
    logSampleFailures(ctx, `${OFFERED_RATE}/s offered`, openCheck);
    const p50 = quantile(open.latenciesMs, 0.5);
    const p99 = quantile(open.latenciesMs, 0.99);
    const cpuPerSvidUs = (after.cpuMicros - before.cpuMicros) / open.latenciesMs.length;
    phases.push({
      offeredPerSecond: OFFERED_RATE, svids: open.latenciesMs.length, failures: open.failures, p50Ms: p50, p99Ms: p99, cpuPerSvidUs,
      loadGeneratorCpuPerSvidUs: loadCpuUs / open.latenciesMs.length, ...sampleDetails(openCheck),
    });
    const openFailed = failureNotes(open.failures, openCheck).join('; ');
    rows.push(
      row({ bench: 'issuance', figure: `p50 at ${OFFERED_RATE.toLocaleString('en-US')}/s offered`, value: p50, unit: 'ms', target: { op: '<=', value: 2 } }),
      row({
        bench: 'issuance', figure: `p99 at ${OFFERED_RATE.toLocaleString('en-US')}/s offered`, value: p99, unit: 'ms', target: { op: '<=', value: 10 },
        ...(openFailed ? { note: openFailed } : {}),
      }),
    );

    ctx.log('issuance: gRPC floor (GetTrustBundle, same CA and connections)');
    // GetTrustBundleRequest has no fields: its frame is the prefix alone.
    const emptyRequest = grpcFrame(new Uint8Array(0));
    const bundleReplies: Buffer[] = [];
    const floorBefore = await ca.usage();
    const floorLoadCpuBefore = cpuMicros();
    const floorStarted = nowMs();
    const floor = await closedLoop(64, floorStarted + Math.min(phaseMs, 3000), () => getTrustBundle(emptyRequest).then((reply) => {
      bundleReplies.push(reply);
    }));
    const floorMs = nowMs() - floorStarted;
    const floorLoadCpuUs = cpuMicros() - floorLoadCpuBefore;
    const floorAfter = await ca.usage();
    const floorCheck = verifySample(bundleReplies, SAMPLE, (reply) => verifyBundleReply(reply, ca.bundle));
    if (floor.failures > 0) ctx.log(`issuance: gRPC floor: ${floor.failures} failures, first: ${String(floor.firstError)}`);
    logSampleFailures(ctx, 'gRPC floor', floorCheck);
    const floorPerSecond = (floor.latenciesMs.length * 1000) / floorMs;
    const floorCpuUs = (floorAfter.cpuMicros - floorBefore.cpuMicros) / floor.latenciesMs.length;
    const floorLoadCpuPerCallUs = floorLoadCpuUs / floor.latenciesMs.length;

    ctx.log('issuance: the issue path without gRPC, in this process');
    const path = await measureIssuePath(ctx.quick ? 1500 : 5000, 64);
    rows.push(
      row({
        bench: 'issuance', figure: 'raw sign+verify, two threads at once', value: reference.signVerifyPerSecondTwoThreads, unit: '/s',
        reference: ref, note: 'what a second core adds to ECDSA on this machine',
      }),
      row({
        bench: 'issuance', figure: 'gRPC floor: GetTrustBundle calls/s (c64)', value: floorPerSecond, unit: '/s',
        note: [
          `the same CA, connections and load generator with no issuance work: ${Math.round(floorCpuUs)} µs CA CPU per call`,
          ...failureNotes(floor.failures, floorCheck),
        ].join('; '),
      }),
      row({
        bench: 'issuance', figure: 'issue path without gRPC (c64)', value: path.perSecond, unit: '/s', reference: ref,
        note: `CSR check (signature in the CA's worker), sign, profile re-check, durable audit, in this process: ${Math.round(path.cpuPerSvidUs)} µs CPU per SVID, every thread`,
      }),
    );
    return {
      rows,
      details: {
        phaseMs, reference, phases, warmUp: { failures: warmResult.failures, ...sampleDetails(warmCheck) },
        grpcFloor: {
          perSecond: floorPerSecond, caCpuPerCallUs: floorCpuUs, loadGeneratorCpuPerCallUs: floorLoadCpuPerCallUs,
          failures: floor.failures, ...sampleDetails(floorCheck),
        },
        issuePath: path,
      },
    };
  } finally {
    orchestrator.close();
    await load?.close();
    await ca.close();
  }
}

/** The issue's issuance targets against step-ca in the same run: 2.5x less CA CPU per certificate, and 3,000 SVIDs/s. */
const STEP_CA_CPU_RATIO = 2.5;
const STEP_CA_RATE = 3000;
/** Tessera and step-ca phases at concurrency 64, taken in turn: the peer's README asks for alternating runs. */
const STEP_CA_ROUNDS = 2;

/** A closed-loop Activate phase, as the JSON records it. */
interface ActivationPhase {
  readonly concurrency: number;
  readonly svids: number;
  readonly failures: number;
  readonly elapsedMs: number;
  readonly perSecond: number;
  readonly cpuPerSvidUs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly loadGeneratorCpuPerSvidUs: number;
  /** Cores other processes took during the phase. */
  readonly otherProcsCpuCores?: number;
  /** Failed calls and failed sample checks, for a row's note. */
  readonly notes: string[];
  readonly [more: string]: unknown;
}

/** Tessera's and step-ca's phases of one side-by-side, in the order taken. */
interface SideBySide {
  readonly rounds: { tessera: ActivationPhase; stepCa: StepCaRun }[];
}

/**
 * Alternates step-ca's load run (peer.sh, same concurrency and length) with
 * Tessera's concurrency-64 phase: the Tessera phase just taken, then step-ca,
 * then Tessera again, and so on for STEP_CA_ROUNDS pairs.
 */
async function alternateWithStepCa(
  ctx: BenchContext, url: string, first: ActivationPhase,
  measure: (concurrency: number, label: string) => Promise<ActivationPhase>, phaseMs: number,
): Promise<SideBySide> {
  const concurrency = CONCURRENCIES.at(-1)!;
  const rounds: SideBySide['rounds'] = [];
  let tessera = first;
  for (let round = 1; round <= STEP_CA_ROUNDS; round++) {
    ctx.log(`issuance: step-ca at ${url}, concurrency ${concurrency} for ${phaseMs} ms (round ${round} of ${STEP_CA_ROUNDS})`);
    const stepCa = await measureStepCa(url, concurrency, phaseMs);
    rounds.push({ tessera, stepCa });
    if (round < STEP_CA_ROUNDS) tessera = await measure(concurrency, `c${concurrency}-round${round + 1}`);
  }
  return { rounds };
}

/**
 * The side-by-side with step-ca, each round on its own row and the ratios of
 * the sums; without --peer-step-ca, one row saying how to get one.
 */
function stepCaRows(sideBySide: SideBySide | undefined): Row[] {
  if (!sideBySide) return [row({ bench: 'issuance', figure: 'CA CPU per SVID ÷ step-ca\'s', value: undefined, unit: '', note: STEP_CA_HOW_TO })];
  const concurrency = CONCURRENCIES.at(-1)!;
  const cores = (value: number | undefined) => (value === undefined ? '?' : value.toFixed(2));
  const perRound = sideBySide.rounds.map(({ tessera, stepCa }, i) => row({
    bench: 'issuance', figure: `side by side, round ${i + 1}: CA CPU per certificate ÷ step-ca's (c${concurrency})`,
    value: tessera.cpuPerSvidUs / stepCa.caCpuUsPerCert, unit: '', target: { op: '<=', value: 1 / STEP_CA_CPU_RATIO },
    note: `Tessera ${Math.round(tessera.perSecond)}/s at ${Math.round(tessera.cpuPerSvidUs)} µs (p99 ${tessera.p99Ms.toFixed(0)} ms), `
      + `step-ca ${Math.round(stepCa.certsPerSecond)}/s at ${Math.round(stepCa.caCpuUsPerCert)} µs (p99 ${stepCa.p99Ms.toFixed(0)} ms); `
      + `other processes ${cores(tessera.otherProcsCpuCores)} / ${cores(stepCa.otherProcsCpuCores)} cores${[...tessera.notes].map((n) => `; ${n}`).join('')}`,
  }));
  // Totals over the rounds: CPU per certificate weighted by certificates, rates by time.
  const sum = (f: (r: SideBySide['rounds'][number]) => number) => sideBySide.rounds.reduce((a, r) => a + f(r), 0);
  const tesseraCpuUs = sum((r) => r.tessera.cpuPerSvidUs * r.tessera.svids) / sum((r) => r.tessera.svids);
  const tesseraRate = sum((r) => r.tessera.perSecond) / sideBySide.rounds.length;
  const stepCaCpuUs = sum((r) => r.stepCa.caCpuUsPerCert * r.stepCa.certsPerSecond) / sum((r) => r.stepCa.certsPerSecond);
  const stepCaRate = sum((r) => r.stepCa.certsPerSecond) / sideBySide.rounds.length;
  return [
    ...perRound,
    row({
      bench: 'issuance', figure: `side by side: CA CPU per certificate ÷ step-ca's (c${concurrency}, ${sideBySide.rounds.length} rounds)`,
      value: tesseraCpuUs / stepCaCpuUs, unit: '', target: { op: '<=', value: 1 / STEP_CA_CPU_RATIO },
      note: `${Math.round(tesseraCpuUs)} µs against step-ca's ${Math.round(stepCaCpuUs)} µs, alternating runs`,
    }),
    row({
      bench: 'issuance', figure: `side by side: SVIDs/s, same run (c${concurrency})`, value: tesseraRate, unit: '/s', target: { op: '>=', value: STEP_CA_RATE },
      reference: { name: 'step-ca certificates/s', value: stepCaRate, unit: '/s' },
    }),
  ];
}

/** Activate requests encoded before a timed part, and the replies kept to check after it. */
interface Activations {
  /** Starts the next agent's call, for closedLoop/openLoop; undefined when every agent has been sent. */
  readonly next: () => Promise<void> | undefined;
  /** Decodes and verifies up to `count` of the replies, spread over the phase. */
  verifySample(count: number): SampleCheck;
}

function prepareActivations(agents: readonly PreparedAgent[], activate: UnaryCaller, bundle: X509Bundle): Activations {
  const method = tesseraProto().tessera.v1.SVIDService.service.Activate;
  const frames = agents.map((agent) => grpcFrame(method.requestSerialize({ ticket: agent.ticket, csr: agent.csr })));
  const replies: { agent: PreparedAgent; reply: Buffer }[] = [];
  let sent = 0;
  return {
    next: () => {
      const agent = agents[sent];
      const frame = frames[sent++];
      if (!agent || !frame) return undefined;
      return activate(frame).then((reply) => {
        replies.push({ agent, reply });
      });
    },
    verifySample: (count) => verifySample(replies, count, ({ agent, reply }) => verifyActivateReply(agent, reply, bundle)),
  };
}

/** What checking a sample of replies found. */
interface SampleCheck {
  readonly checked: number;
  readonly failures: number;
  readonly firstError?: unknown;
}

/**
 * Runs `verify` on up to `count` items spread evenly over `items`; `verify`
 * throws what it finds wrong, and may return a key that must differ between
 * items (the SPIFFE ID issued).
 */
function verifySample<T>(items: readonly T[], count: number, verify: (item: T) => string | void): SampleCheck {
  const checked = Math.min(count, items.length);
  const seen = new Set<string>();
  let failures = 0;
  let firstError: unknown;
  for (let k = 0; k < checked; k++) {
    try {
      const key = verify(items[Math.floor((k * items.length) / checked)]!);
      if (key !== undefined && seen.has(key)) throw new Error(`${key} was issued twice`);
      if (key !== undefined) seen.add(key);
    } catch (err) {
      failures++;
      firstError ??= err;
    }
  }
  return { checked, failures, ...(firstError === undefined ? {} : { firstError }) };
}

/**
 * What an agent checks in its Activate reply: an X509-SVID that verifies
 * against the CA's bundle, for the agent's own key, naming the SPIFFE ID its
 * ticket was spawned for, and the bundle of the trust domain. Returns the ID.
 */
function verifyActivateReply(agent: PreparedAgent, reply: Buffer, bundle: X509Bundle): string {
  const res = tesseraProto().tessera.v1.SVIDService.service.Activate.responseDeserialize(reply);
  const svid = res.svid;
  if (!svid || svid.certChain.length === 0) throw new Error('the Activate reply has no SVID');
  if (res.bundle?.trustDomain !== bundle.trustDomain || res.bundle.x509Authorities.length === 0) {
    throw new Error(`the Activate reply has no bundle for ${bundle.trustDomain}`);
  }
  const { id, verifiedChain } = verifyX509Svid(svid.certChain, trusting(bundle));
  if (id.toString() !== svid.spiffeId) throw new Error(`the Activate reply names ${svid.spiffeId}, its SVID ${id}`);
  if (!id.equals(agent.id)) throw new Error(`the SVID names ${id}, the ticket was spawned for ${agent.id}`);
  if (!verifiedChain[0]!.publicKey.equals(createPublicKey(agent.key))) throw new Error(`the SVID of ${id} is not for the agent's key`);
  return id.toString();
}

/** A GetTrustBundle reply must carry the trust domain's bundle with the CA's root. */
function verifyBundleReply(reply: Buffer, bundle: X509Bundle): void {
  const res = tesseraProto().tessera.v1.TrustBundleService.service.GetTrustBundle.responseDeserialize(reply);
  const root = bundle.authorities[0]!;
  if (res.bundle?.trustDomain !== bundle.trustDomain || !res.bundle.x509Authorities.some((a) => root.equals(a))) {
    throw new Error(`the GetTrustBundle reply is not the bundle of ${bundle.trustDomain}`);
  }
}

function trusting(bundle: X509Bundle): X509BundleSource {
  return { getX509BundleForTrustDomain: (td) => (td === bundle.trustDomain ? bundle : undefined) };
}

function sampleDetails(check: SampleCheck): Record<string, unknown> {
  return {
    samplesChecked: check.checked, sampleFailures: check.failures,
    ...(check.firstError === undefined ? {} : { firstSampleError: String(check.firstError) }),
  };
}

function logSampleFailures(ctx: BenchContext, phase: string, check: SampleCheck): void {
  if (check.checked === 0) ctx.log(`issuance: ${phase}: no reply to check`);
  if (check.failures > 0) ctx.log(`issuance: ${phase}: ${check.failures} of ${check.checked} sampled replies failed verification, first: ${String(check.firstError)}`);
}

/** What went wrong in a phase, for a row's note: nothing, failed requests, failed checks. */
function failureNotes(failedRequests: number, check: SampleCheck): string[] {
  return [
    ...(failedRequests > 0 ? [`${failedRequests} failed requests`] : []),
    ...(check.failures > 0 ? [`${check.failures} of ${check.checked} sampled replies failed verification`] : []),
    ...(check.checked === 0 ? ['no reply to verify'] : []),
  ];
}
