// Original file: proto/tessera/v1/admin.proto

import type { AgentStatus as _tessera_v1_AgentStatus, AgentStatus__Output as _tessera_v1_AgentStatus__Output } from '../../tessera/v1/AgentStatus.js';

/**
 * ListAgentsRequest filters and pages the inventory.
 */
export interface ListAgentsRequest {
  /**
   * Only agents of this orchestrator; empty for all.
   */
  'orchestrator'?: (string);
  /**
   * Only agents of this task; empty for all.
   */
  'task'?: (string);
  /**
   * Only agents with this status; unspecified for all.
   */
  'status'?: (_tessera_v1_AgentStatus);
  /**
   * Start after this SPIFFE ID; empty starts at the first.
   */
  'afterSpiffeId'?: (string);
  /**
   * At most this many agents; 0 means 100, and more than 1000 is cut to 1000.
   */
  'limit'?: (number);
  /**
   * Orchestrators too (they sort after the agents): with `orchestrator` set only
   * that one, with `task` set none.
   */
  'includeOrchestrators'?: (boolean);
}

/**
 * ListAgentsRequest filters and pages the inventory.
 */
export interface ListAgentsRequest__Output {
  /**
   * Only agents of this orchestrator; empty for all.
   */
  'orchestrator': (string);
  /**
   * Only agents of this task; empty for all.
   */
  'task': (string);
  /**
   * Only agents with this status; unspecified for all.
   */
  'status': (_tessera_v1_AgentStatus__Output);
  /**
   * Start after this SPIFFE ID; empty starts at the first.
   */
  'afterSpiffeId': (string);
  /**
   * At most this many agents; 0 means 100, and more than 1000 is cut to 1000.
   */
  'limit': (number);
  /**
   * Orchestrators too (they sort after the agents): with `orchestrator` set only
   * that one, with `task` set none.
   */
  'includeOrchestrators': (boolean);
}
