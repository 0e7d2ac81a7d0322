/**
 * The CA's own issuance path without gRPC or TLS, on one thread of this process:
 * CSR check, ticket consumed, leaf built, signed and re-checked, audit record and
 * state in a synced group-committed level batch. The gap between this and the
 * end-to-end figure is what the network layers and the load generator cost.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../agent-sdk/clock.js';
import { createCsr } from '../agent-sdk/csr.js';
import { generateP256Key } from '../agent-sdk/p256-key.js';
import { SpiffeId } from '../agent-sdk/spiffe-id.js';
import { Journal } from '../ca/audit/journal.js';
import { Authority } from '../ca/authority/authority.js';
import { CsrChecker } from '../ca/authority/csr-checker.js';
import { loadOrCreateKeys } from '../ca/authority/keys.js';
import { validateConfig } from '../ca/config.js';
import { activateAgent } from '../ca/issuance/activate.js';
import type { IssuanceContext } from '../ca/issuance/context.js';
import { spawnAgent } from '../ca/issuance/spawn.js';
import { LevelStore } from '../ca/store/level-store.js';
import { WindowProfiler } from './profiler.js';
import { closedLoop, cpuMicros, nowMs } from './stats.js';

export interface IssuePathResult {
  readonly perSecond: number;
  readonly cpuPerSvidUs: number;
  readonly svids: number;
}

/** Activates `count` prepared agents at `concurrency` and measures rate and CPU. */
export async function measureIssuePath(
  count: number, concurrency: number, options: { profileFile?: string; csrWorkers?: number } = {},
): Promise<IssuePathResult> {
  const { profileFile, csrWorkers } = options;
  const dataDir = await mkdtemp(join(tmpdir(), 'tessera-bench-path-'));
  const store = await LevelStore.create(join(dataDir, 'store'));
  try {
    const config = validateConfig({ dataDir, ttl: { spawnTicket: '10m' }, ...(csrWorkers === undefined ? {} : { csrWorkers }) });
    const keys = await loadOrCreateKeys({
      dataDir, trustDomain: config.trustDomain, clock: systemClock, rootTtlMs: config.ttl.rootMs, intermediateTtlMs: config.ttl.intermediateMs,
    });
    const authority = new Authority({ trustDomain: config.trustDomain, keys, clock: systemClock });
    const journal = await Journal.open({ store, clock: systemClock });
    const csrs = new CsrChecker({ workers: config.csrWorkers, maxBytes: config.limits.maxCsrBytes });
    const ctx: IssuanceContext = { config, authority, csrs, journal, clock: systemClock, store };
    const orchestrator = SpiffeId.parse(`spiffe://${config.trustDomain}/orchestrator/bench`);
    const prepared: { ticket: string; csr: Buffer }[] = [];
    for (let i = 0; i < count; i++) {
      const privateKey = generateP256Key();
      const { ticket } = await spawnAgent(ctx, orchestrator, { taskId: 'bench', scopes: [], sponsor: 'user:bench', ttlMs: 0 });
      prepared.push({ ticket, csr: createCsr(privateKey) });
    }
    let next = 0;
    const activate = () => {
      const agent = prepared[next++];
      return agent && activateAgent(ctx, agent);
    };
    // Warm up the JIT on a tenth, then time the rest.
    const warm = Math.floor(count / 10);
    await closedLoop(concurrency, Number.POSITIVE_INFINITY, () => (next < warm ? activate() : undefined));
    const profiler = profileFile ? await WindowProfiler.start() : undefined;
    const cpuBefore = cpuMicros();
    const started = nowMs();
    const result = await closedLoop(concurrency, Number.POSITIVE_INFINITY, activate);
    const elapsedMs = nowMs() - started;
    const cpuUs = cpuMicros() - cpuBefore;
    if (profileFile) await profiler?.stop(profileFile);
    const svids = result.latenciesMs.length;
    if (result.failures > 0) throw new Error(`${result.failures} in-process activations failed`, { cause: result.firstError });
    await journal.close();
    await csrs.close();
    return { perSecond: (svids * 1000) / elapsedMs, cpuPerSvidUs: cpuUs / svids, svids };
  } finally {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
