// Original file: proto/tessera/v1/admin.proto

import type { AgentStatus as _tessera_v1_AgentStatus, AgentStatus__Output as _tessera_v1_AgentStatus__Output } from '../../tessera/v1/AgentStatus.js';
import type { Long } from '@grpc/proto-loader';

/**
 * AgentInfo describes one identity the CA issued SVIDs for.
 */
export interface AgentInfo {
  /**
   * The SPIFFE ID.
   */
  'spiffeId'?: (string);
  /**
   * "agent" or "orchestrator".
   */
  'kind'?: (string);
  /**
   * The orchestrator name.
   */
  'orchestrator'?: (string);
  /**
   * The task id; empty for an orchestrator.
   */
  'task'?: (string);
  /**
   * The human sponsor's opaque user id.
   */
  'sponsor'?: (string);
  /**
   * The SPIFFE ID of the agent that delegated to this one; empty when an
   * orchestrator spawned it.
   */
  'parent'?: (string);
  /**
   * The delegation depth.
   */
  'depth'?: (number);
  /**
   * The scopes its task granted.
   */
  'scopes'?: (string)[];
  /**
   * When its first SVID was issued, in milliseconds since the Unix epoch.
   */
  'issuedAtMs'?: (number | string | Long);
  /**
   * When its newest SVID expires, in milliseconds since the Unix epoch.
   */
  'expiresAtMs'?: (number | string | Long);
  /**
   * How many times it renewed.
   */
  'renewals'?: (number);
  /**
   * Where it stands.
   */
  'status'?: (_tessera_v1_AgentStatus);
  /**
   * The newest SVID's serial, hex.
   */
  'serial'?: (string);
  /**
   * The sequence number of the revocation that ended it; 0 when none.
   */
  'revocationSequence'?: (number | string | Long);
  /**
   * When that revocation was committed, in milliseconds since the Unix epoch.
   */
  'revokedAtMs'?: (number | string | Long);
  /**
   * The operator's reason for that revocation, if one was given.
   */
  'revocationReason'?: (string);
  /**
   * The SPIFFE IDs of its ancestors, the first agent first.
   */
  'delegationChain'?: (string)[];
}

/**
 * AgentInfo describes one identity the CA issued SVIDs for.
 */
export interface AgentInfo__Output {
  /**
   * The SPIFFE ID.
   */
  'spiffeId': (string);
  /**
   * "agent" or "orchestrator".
   */
  'kind': (string);
  /**
   * The orchestrator name.
   */
  'orchestrator': (string);
  /**
   * The task id; empty for an orchestrator.
   */
  'task': (string);
  /**
   * The human sponsor's opaque user id.
   */
  'sponsor': (string);
  /**
   * The SPIFFE ID of the agent that delegated to this one; empty when an
   * orchestrator spawned it.
   */
  'parent': (string);
  /**
   * The delegation depth.
   */
  'depth': (number);
  /**
   * The scopes its task granted.
   */
  'scopes': (string)[];
  /**
   * When its first SVID was issued, in milliseconds since the Unix epoch.
   */
  'issuedAtMs': (number);
  /**
   * When its newest SVID expires, in milliseconds since the Unix epoch.
   */
  'expiresAtMs': (number);
  /**
   * How many times it renewed.
   */
  'renewals': (number);
  /**
   * Where it stands.
   */
  'status': (_tessera_v1_AgentStatus__Output);
  /**
   * The newest SVID's serial, hex.
   */
  'serial': (string);
  /**
   * The sequence number of the revocation that ended it; 0 when none.
   */
  'revocationSequence': (number);
  /**
   * When that revocation was committed, in milliseconds since the Unix epoch.
   */
  'revokedAtMs': (number);
  /**
   * The operator's reason for that revocation, if one was given.
   */
  'revocationReason': (string);
  /**
   * The SPIFFE IDs of its ancestors, the first agent first.
   */
  'delegationChain': (string)[];
}
