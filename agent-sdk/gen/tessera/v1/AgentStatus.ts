// Original file: proto/tessera/v1/admin.proto

/**
 * AgentStatus is where an identity stands.
 */
export const AgentStatus = {
  /**
   * Never sent.
   */
  AGENT_STATUS_UNSPECIFIED: 'AGENT_STATUS_UNSPECIFIED',
  /**
   * Its SVID is valid and it is not revoked.
   */
  AGENT_STATUS_ACTIVE: 'AGENT_STATUS_ACTIVE',
  /**
   * Its task ended: the agent released it or its orchestrator completed the task.
   */
  AGENT_STATUS_RELEASED: 'AGENT_STATUS_RELEASED',
  /**
   * An operator revoked it (or an ancestor, or its task, or its current certificate).
   */
  AGENT_STATUS_REVOKED: 'AGENT_STATUS_REVOKED',
  /**
   * Its last SVID expired without a revocation.
   */
  AGENT_STATUS_EXPIRED: 'AGENT_STATUS_EXPIRED',
} as const;

/**
 * AgentStatus is where an identity stands.
 */
export type AgentStatus =
  /**
   * Never sent.
   */
  | 'AGENT_STATUS_UNSPECIFIED'
  | 0
  /**
   * Its SVID is valid and it is not revoked.
   */
  | 'AGENT_STATUS_ACTIVE'
  | 1
  /**
   * Its task ended: the agent released it or its orchestrator completed the task.
   */
  | 'AGENT_STATUS_RELEASED'
  | 2
  /**
   * An operator revoked it (or an ancestor, or its task, or its current certificate).
   */
  | 'AGENT_STATUS_REVOKED'
  | 3
  /**
   * Its last SVID expired without a revocation.
   */
  | 'AGENT_STATUS_EXPIRED'
  | 4

/**
 * AgentStatus is where an identity stands.
 */
export type AgentStatus__Output = typeof AgentStatus[keyof typeof AgentStatus]
