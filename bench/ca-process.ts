/**
 * The CA under test, in its own process so that its CPU time is its own
 * (`process.cpuUsage()` here counts every thread of the CA: the event loop, the
 * level store's fsyncs, OpenSSL). Forked by CaProcess; talks over the IPC channel
 * only. Not part of the product.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../agent-sdk/clock.js';
import { validateConfig } from '../ca/config.js';
import { silentLogger } from '../ca/log.js';
import { CaServer } from '../ca/server.js';
import { WindowProfiler } from './profiler.js';
import { threadCpuMicros } from './threads.js';

/** Parent to child. */
export type CaRequest =
  | { type: 'usage'; id: number }
  | { type: 'profile'; id: number; action: 'start' }
  | { type: 'profile'; id: number; action: 'stop'; file: string }
  | { type: 'close' };

/** Child to parent. */
export type CaMessage =
  | { type: 'ready'; address: string; mtlsAddress: string; adminSocket: string; rootDer: string; trustDomain: string; consoleUrl?: string }
  | { type: 'usage'; id: number; cpuMicros: number; rssBytes: number; heapUsedBytes: number; threads: Record<string, number> }
  | { type: 'profiled'; id: number }
  | { type: 'failed'; message: string };

const send = (message: CaMessage) => process.send?.(message);

/**
 * The benchmarks measure capacity from one address and a few identities (all
 * agents on loopback, 250 revocation followers per connection), which the CA's
 * abuse limits would throttle: they are off or raised here, never in the product.
 */
const BENCH_LIMITS = {
  rateLimits: { attest: 'off', activate: 'off', spawn: 'off', renew: 'off', token: 'off', delegate: 'off', release: 'off', connect: 'off' },
  limits: {
    maxRevocationFollowers: 100_000, maxRevocationFollowersPerIdentity: 100_000, maxConcurrentStreams: 1_000,
    maxConnections: 1_000_000, maxConnectionsPerAddress: 1_000_000,
  },
};

async function main(): Promise<void> {
  const overrides = JSON.parse(process.argv[2] ?? '{}') as Record<string, unknown>;
  // A data directory from the parent (replicas sharing keys) is the parent's to remove.
  const ownDataDir = !process.argv[3];
  const dataDir = process.argv[3] || await mkdtemp(join(tmpdir(), 'tessera-bench-ca-'));
  const config = validateConfig({ dataDir, publicAddress: '127.0.0.1:0', mtlsAddress: '127.0.0.1:0', ...BENCH_LIMITS, ...overrides });
  const ca = await CaServer.start(config, { clock: systemClock, log: silentLogger });
  let closing = false;
  const close = async () => {
    if (closing) return;
    closing = true;
    await ca.close().catch(() => {});
    if (ownDataDir) await rm(dataDir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('message', (request: CaRequest) => {
    if (request.type === 'usage') {
      const { user, system } = process.cpuUsage();
      const memory = process.memoryUsage();
      send({ type: 'usage', id: request.id, cpuMicros: user + system, rssBytes: memory.rss, heapUsedBytes: memory.heapUsed, threads: threadCpuMicros() });
    } else if (request.type === 'profile') {
      void profile(request).then(() => send({ type: 'profiled', id: request.id }));
    } else if (request.type === 'close') {
      void close();
    }
  });
  // The parent went away: never outlive it.
  process.on('disconnect', () => void close());
  send({
    type: 'ready',
    address: ca.publicAddress,
    mtlsAddress: ca.mtlsAddress,
    adminSocket: ca.adminSocket,
    rootDer: Buffer.from(ca.authority.bundle.authorities[0]!).toString('base64'),
    trustDomain: ca.authority.trustDomain,
    ...(ca.consoleUrl && { consoleUrl: ca.consoleUrl }),
  });
}

// Profiles a timed window on request (bench --profile DIR).
let profiler: WindowProfiler | undefined;
async function profile(request: Extract<CaRequest, { type: 'profile' }>): Promise<void> {
  if (request.action === 'start') {
    profiler = await WindowProfiler.start();
  } else {
    await profiler?.stop(request.file);
    profiler = undefined;
  }
}

main().catch((err: unknown) => {
  send({ type: 'failed', message: err instanceof Error ? err.stack ?? err.message : String(err) });
  process.exit(1);
});
