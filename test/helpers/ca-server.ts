import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaServer } from '../../ca/server.js';
import { validateConfig } from '../../ca/config.js';
import { type Logger, silentLogger } from '../../ca/log.js';
import type { CaMetrics } from '../../ca/metrics/ca-metrics.js';
import { AdminClient } from '../../ca/admin-client.js';
import type { Clock } from '../../agent-sdk/clock.js';
import { systemClock } from '../../agent-sdk/clock.js';

export interface TestCa {
  ca: CaServer;
  admin: AdminClient;
  dataDir: string;
  endpoints: { address: string; mtlsAddress: string };
  /** Stops the CA and starts it again on the same data directory and ports. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** A real CA on 127.0.0.1 with a fresh level directory. Close it in afterEach. */
export async function startTestCa(
  options: { config?: Record<string, unknown>; clock?: Clock; log?: Logger; metrics?: CaMetrics } = {},
): Promise<TestCa> {
  const dataDir = await mkdtemp(join(tmpdir(), 'tessera-ca-'));
  const configFor = (publicAddress = '127.0.0.1:0', mtlsAddress = '127.0.0.1:0') =>
    validateConfig({ dataDir, publicAddress, mtlsAddress, ...options.config });
  const deps = { clock: options.clock ?? systemClock, log: options.log ?? silentLogger, ...(options.metrics && { metrics: options.metrics }) };
  const state: TestCa = {
    ca: await CaServer.start(configFor(), deps),
    admin: undefined as unknown as AdminClient,
    dataDir,
    endpoints: { address: '', mtlsAddress: '' },
    async restart() {
      state.admin.close();
      await state.ca.close();
      state.ca = await CaServer.start(configFor(state.endpoints.address, state.endpoints.mtlsAddress), deps);
      state.admin = new AdminClient(state.ca.adminSocket);
    },
    async close() {
      state.admin.close();
      await state.ca.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  state.admin = new AdminClient(state.ca.adminSocket);
  state.endpoints = { address: state.ca.publicAddress, mtlsAddress: state.ca.mtlsAddress };
  return state;
}
