// The public surface of tessera/workload-agent: re-exports only.
export { WorkloadAgent, type WorkloadAgentOptions, type WorkloadSpec, type SpawnedWorkload } from './agent.js';
export { SPIFFE_ENDPOINT_SOCKET, parseEndpointSocket } from './endpoint-socket.js';
export type { EndpointLimits } from './endpoint.js';
export type { Log } from './log.js';
