// Original file: proto/tessera/v1/admin.proto

import type { AgentInfo as _tessera_v1_AgentInfo, AgentInfo__Output as _tessera_v1_AgentInfo__Output } from '../../tessera/v1/AgentInfo.js';

/**
 * ListAgentsResponse carries one page of the inventory.
 */
export interface ListAgentsResponse {
  /**
   * The agents, in SPIFFE ID order.
   */
  'agents'?: (_tessera_v1_AgentInfo)[];
}

/**
 * ListAgentsResponse carries one page of the inventory.
 */
export interface ListAgentsResponse__Output {
  /**
   * The agents, in SPIFFE ID order.
   */
  'agents': (_tessera_v1_AgentInfo__Output)[];
}
