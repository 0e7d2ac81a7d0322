// Original file: proto/tessera/v1/revocation.proto


/**
 * CompleteTaskRequest names the task.
 */
export interface CompleteTaskRequest {
  /**
   * The task id, one SPIFFE path segment, of the calling orchestrator.
   */
  'taskId'?: (string);
}

/**
 * CompleteTaskRequest names the task.
 */
export interface CompleteTaskRequest__Output {
  /**
   * The task id, one SPIFFE path segment, of the calling orchestrator.
   */
  'taskId': (string);
}
