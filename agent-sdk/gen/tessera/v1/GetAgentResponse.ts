// Original file: proto/tessera/v1/admin.proto

import type { AgentInfo as _tessera_v1_AgentInfo, AgentInfo__Output as _tessera_v1_AgentInfo__Output } from '../../tessera/v1/AgentInfo.js';

/**
 * GetAgentResponse describes it and its delegation tree.
 */
export interface GetAgentResponse {
  /**
   * The identity itself.
   */
  'agent'?: (_tessera_v1_AgentInfo | null);
  /**
   * Every agent it delegated to, however deep, parents before children.
   */
  'descendants'?: (_tessera_v1_AgentInfo)[];
}

/**
 * GetAgentResponse describes it and its delegation tree.
 */
export interface GetAgentResponse__Output {
  /**
   * The identity itself.
   */
  'agent': (_tessera_v1_AgentInfo__Output | null);
  /**
   * Every agent it delegated to, however deep, parents before children.
   */
  'descendants': (_tessera_v1_AgentInfo__Output)[];
}
