import type { OrchestratorAttestor } from '../agent-sdk/attestor.js';
import { X509Bundle, certificatesFromPem } from '../agent-sdk/bundle.js';
import type { CaEndpoints } from '../agent-sdk/ca-client.js';
import { Orchestrator } from '../agent-sdk/orchestrator.js';
import { WorkloadAgent, type WorkloadSpec } from './agent.js';
import { exitStatusOf } from './exit-status.js';
import type { Log } from './log.js';

/** What `tessera agent` is given (main.ts reads the flags and files). */
export interface RunAgentParams {
  readonly endpoints: CaEndpoints;
  readonly trustDomain: string;
  /** The CA's trust bundle (PEM), which the CA's own certificate is checked against. */
  readonly bundlePem: string;
  /** How this host proves who it is to the CA: a node attestor's orchestrator half (join token, x509pop). */
  readonly attestor: OrchestratorAttestor;
  readonly socketPath: string;
  /** The workload to start; its stdio is this process's. */
  readonly workload: Omit<WorkloadSpec, 'spawn'>;
  readonly log: Log;
}

/**
 * `tessera agent`: attests this host with its node attestor, serves the Workload
 * API on `socketPath`, starts the workload and serves it its identity until it
 * exits (or `stop` resolves, which sends it SIGTERM); then releases the
 * identity and resolves with the workload's exit status.
 *
 * @throws {TesseraError} the attestation's refusal, ERR_CONFIG_INVALID for a socket path in use, ERR_UNAVAILABLE.
 */
export async function runAgent(params: RunAgentParams, out: (line: string) => void, stop: Promise<unknown>): Promise<number> {
  const bundle = new X509Bundle(params.trustDomain, certificatesFromPem(params.bundlePem));
  const orchestrator = await Orchestrator.attest({ attestor: params.attestor, endpoints: params.endpoints, bundle });
  let agent: WorkloadAgent | undefined;
  try {
    agent = await WorkloadAgent.create({ orchestrator, endpoints: params.endpoints, socketPath: params.socketPath, log: params.log });
    const workload = await agent.spawn({ ...params.workload, spawn: { stdio: 'inherit' } });
    out(JSON.stringify({ agent: orchestrator.id.toString(), endpointSocket: agent.endpointSocket, workload: workload.id.toString(), pid: workload.child.pid }));
    const exited = new Promise<number>((resolve) => workload.child.once('exit', (code, signal) => resolve(exitStatusOf(code, signal))));
    void stop.then(() => workload.child.kill('SIGTERM'));
    const status = await exited;
    await workload.released;
    return status;
  } finally {
    await agent?.close();
    orchestrator.close();
  }
}
