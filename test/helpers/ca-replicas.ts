/**
 * CA replicas as real child processes on one PostgreSQL database, each with its
 * own data directory (admin socket, logs) and the same keys, as docs/ha.md
 * deploys them: the first replica makes the keys, the others get a copy.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { X509Bundle } from '../../agent-sdk/bundle.js';
import type { CaEndpoints } from '../../agent-sdk/ca-client.js';
import { type CaProcess, bundleOf, startCaProcess } from './ca-process.js';

export interface Replicas {
  readonly processes: CaProcess[];
  readonly dataDirs: string[];
  /** Every replica, as an SDK takes them (comma-separated, same order). */
  readonly endpoints: CaEndpoints;
  readonly bundle: X509Bundle;
  /** Starts replica `i` again on its data directory and ports (after a kill). */
  restart(i: number): Promise<CaProcess>;
  stop(): Promise<void>;
}

/**
 * Starts `count` replicas on `storeUrl` (`storeUrls[i]` per replica when given,
 * e.g. one through a proxy); `config` is merged into each one's config.
 *
 * @example const replicas = await startReplicas({ count: 3, storeUrl: await freshDatabase() });
 */
export async function startReplicas(options: {
  count: number; storeUrl: string; storeUrls?: string[]; config?: Record<string, unknown>;
}): Promise<Replicas> {
  const root = await mkdtemp(join(tmpdir(), 'tessera-replicas-'));
  const dataDirs = Array.from({ length: options.count }, (_, i) => join(root, `replica-${i}`));
  const configOf = (i: number) => ({ ...options.config, store: options.storeUrls?.[i] ?? options.storeUrl });
  const processes: CaProcess[] = [];
  try {
    processes.push(await startCaProcess({ dataDir: dataDirs[0]!, config: configOf(0) }));
    // The others together, as replicas of a deployment start: what the first sealed into the store they share.
    const others = await Promise.allSettled(dataDirs.slice(1).map(async (dataDir, i) => {
      await cp(join(dataDirs[0]!, 'keys'), join(dataDir, 'keys'), { recursive: true });
      return startCaProcess({ dataDir, config: configOf(i + 1) });
    }));
    for (const started of others) if (started.status === 'fulfilled') processes.push(started.value);
    const failed = others.find((started) => started.status === 'rejected');
    if (failed) throw failed.reason;
  } catch (err) {
    await Promise.all(processes.map((p) => p.stop()));
    await rm(root, { recursive: true, force: true });
    throw err;
  }
  const endpoints = {
    address: processes.map((p) => p.endpoints.address).join(','),
    mtlsAddress: processes.map((p) => p.endpoints.mtlsAddress).join(','),
  };
  return {
    processes,
    dataDirs,
    endpoints,
    bundle: await bundleOf(dataDirs[0]!),
    async restart(i) {
      const previous = processes[i]!;
      await previous.stop();
      processes[i] = await startCaProcess({
        dataDir: dataDirs[i]!, config: configOf(i), listen: previous.endpoints.address, mtlsListen: previous.endpoints.mtlsAddress,
      });
      return processes[i]!;
    },
    async stop() {
      await Promise.all(processes.map((p) => p.stop('SIGTERM')));
      await rm(root, { recursive: true, force: true });
    },
  };
}
