// The CA's error-to-status mapping is the SDK's one function, shared with the workload agent.
export { toStatus } from '../../agent-sdk/error-status.js';
