// Original file: proto/tessera/v1/revocation.proto

/**
 * RevocationCause says why an entry exists.
 */
export const RevocationCause = {
  /**
   * Never sent.
   */
  REVOCATION_CAUSE_UNSPECIFIED: 'REVOCATION_CAUSE_UNSPECIFIED',
  /**
   * An operator revoked it.
   */
  REVOCATION_CAUSE_OPERATOR: 'REVOCATION_CAUSE_OPERATOR',
  /**
   * The agent released its identity at the end of its task.
   */
  REVOCATION_CAUSE_RELEASED: 'REVOCATION_CAUSE_RELEASED',
  /**
   * The orchestrator completed the task.
   */
  REVOCATION_CAUSE_TASK_COMPLETED: 'REVOCATION_CAUSE_TASK_COMPLETED',
} as const;

/**
 * RevocationCause says why an entry exists.
 */
export type RevocationCause =
  /**
   * Never sent.
   */
  | 'REVOCATION_CAUSE_UNSPECIFIED'
  | 0
  /**
   * An operator revoked it.
   */
  | 'REVOCATION_CAUSE_OPERATOR'
  | 1
  /**
   * The agent released its identity at the end of its task.
   */
  | 'REVOCATION_CAUSE_RELEASED'
  | 2
  /**
   * The orchestrator completed the task.
   */
  | 'REVOCATION_CAUSE_TASK_COMPLETED'
  | 3

/**
 * RevocationCause says why an entry exists.
 */
export type RevocationCause__Output = typeof RevocationCause[keyof typeof RevocationCause]
