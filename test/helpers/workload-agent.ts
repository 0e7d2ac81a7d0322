import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Orchestrator } from '../../agent-sdk/orchestrator.js';
import { silentLogger } from '../../ca/log.js';
import { joinTokenClient } from '../../node-attestor/join-token/client.js';
import { WorkloadAgent, type WorkloadAgentOptions } from '../../workload-agent/agent.js';
import { type TestCa, startTestCa } from './ca-server.js';

export const CALL_FIXTURE = new URL('../fixtures/workload-api-call.mjs', import.meta.url).pathname;

export interface AgentWorld {
  t: TestCa;
  orchestrator: Orchestrator;
  agent: WorkloadAgent;
  dir: string;
  close(): Promise<void>;
}

/** A real CA, an orchestrator attested with a join token, and a workload agent on a socket in a fresh directory. */
export async function startAgentWorld(options: Partial<WorkloadAgentOptions> = {}): Promise<AgentWorld> {
  const t = await startTestCa();
  const { token } = await t.admin.createJoinToken({ orchestrator: 'host-1' });
  const orchestrator = await Orchestrator.attest({ attestor: joinTokenClient(token), endpoints: t.endpoints, bundle: t.ca.authority.bundle });
  const dir = await mkdtemp(join(tmpdir(), 'tessera-agent-'));
  // Like /run/tessera: every local user may reach the socket; the agent, not the file system, decides what they get.
  await chmod(dir, 0o755);
  const agent = await WorkloadAgent.create({ orchestrator, endpoints: t.endpoints, socketPath: join(dir, 'agent.sock'), log: silentLogger, ...options });
  return {
    t, orchestrator, agent, dir,
    async close() {
      await agent.close();
      orchestrator.close();
      await t.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The JSON lines a fixture child prints, as they come. */
export function linesOf(child: ChildProcess): AsyncIterator<Record<string, unknown>> {
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  return {
    async next() {
      const line = await lines.next();
      return line.done ? line : { done: false, value: JSON.parse(line.value) as Record<string, unknown> };
    },
  };
}

/** The fixture run as a process the agent did not start. */
export function callAsStranger(world: AgentWorld, args: string[]): ChildProcess {
  return spawn(process.execPath, [CALL_FIXTURE, ...args], { env: { ...process.env, SPIFFE_ENDPOINT_SOCKET: world.agent.endpointSocket }, stdio: ['pipe', 'pipe', 'inherit'] });
}

/** An agent log that keeps its warnings (where denials go) for the test to read. */
export function recordingLog(): { log: WorkloadAgentOptions['log']; warnings: Array<Record<string, unknown>> } {
  const warnings: Array<Record<string, unknown>> = [];
  return { log: { info() {}, error() {}, warn: (entry: object) => warnings.push(entry as Record<string, unknown>) }, warnings };
}
