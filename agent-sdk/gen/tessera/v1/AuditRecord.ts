// Original file: proto/tessera/v1/admin.proto

import type { Long } from '@grpc/proto-loader';

/**
 * AuditRecord is one link of the audit hash chain. It holds identifiers only,
 * never keys, tickets, tokens or CSRs.
 */
export interface AuditRecord {
  /**
   * Position in the chain, from 1.
   */
  'sequence'?: (number | string | Long);
  /**
   * When it was written, in milliseconds since the Unix epoch.
   */
  'timeMs'?: (number | string | Long);
  /**
   * The operation, for example "attest", "spawn", "activate", "renew".
   */
  'operation'?: (string);
  /**
   * "allowed", "denied" or "error".
   */
  'outcome'?: (string);
  /**
   * The error code of a denial, for example "ERR_TICKET_USED"; empty when allowed.
   */
  'reason'?: (string);
  /**
   * The caller's SPIFFE ID, when it had one.
   */
  'caller'?: (string);
  /**
   * The SPIFFE ID the operation was about.
   */
  'subject'?: (string);
  /**
   * The task id.
   */
  'task'?: (string);
  /**
   * The orchestrator name.
   */
  'orchestrator'?: (string);
  /**
   * The human sponsor's opaque user id.
   */
  'sponsor'?: (string);
  /**
   * The delegation depth.
   */
  'depth'?: (number);
  /**
   * The hash of the delegation chain.
   */
  'chainHash'?: (string);
  /**
   * The serial of the certificate issued, hex; for a task token (token.mint,
   * and its revocation) the token's jti.
   */
  'serial'?: (string);
  /**
   * The node-attestor plugin.
   */
  'attestor'?: (string);
  /**
   * The previous record's hash.
   */
  'prevHash'?: (string);
  /**
   * This record's hash.
   */
  'hash'?: (string);
  /**
   * The remote address (IPv4, or an IPv6 /64 prefix) of a caller without an
   * SVID; only on rate-limit refusals on the public listener.
   */
  'address'?: (string);
  /**
   * How many refusals this record stands for; 0 means one. A rate-limit
   * summary counts the refusals since the burst's previous record.
   */
  'count'?: (number | string | Long);
}

/**
 * AuditRecord is one link of the audit hash chain. It holds identifiers only,
 * never keys, tickets, tokens or CSRs.
 */
export interface AuditRecord__Output {
  /**
   * Position in the chain, from 1.
   */
  'sequence': (number);
  /**
   * When it was written, in milliseconds since the Unix epoch.
   */
  'timeMs': (number);
  /**
   * The operation, for example "attest", "spawn", "activate", "renew".
   */
  'operation': (string);
  /**
   * "allowed", "denied" or "error".
   */
  'outcome': (string);
  /**
   * The error code of a denial, for example "ERR_TICKET_USED"; empty when allowed.
   */
  'reason': (string);
  /**
   * The caller's SPIFFE ID, when it had one.
   */
  'caller': (string);
  /**
   * The SPIFFE ID the operation was about.
   */
  'subject': (string);
  /**
   * The task id.
   */
  'task': (string);
  /**
   * The orchestrator name.
   */
  'orchestrator': (string);
  /**
   * The human sponsor's opaque user id.
   */
  'sponsor': (string);
  /**
   * The delegation depth.
   */
  'depth': (number);
  /**
   * The hash of the delegation chain.
   */
  'chainHash': (string);
  /**
   * The serial of the certificate issued, hex; for a task token (token.mint,
   * and its revocation) the token's jti.
   */
  'serial': (string);
  /**
   * The node-attestor plugin.
   */
  'attestor': (string);
  /**
   * The previous record's hash.
   */
  'prevHash': (string);
  /**
   * This record's hash.
   */
  'hash': (string);
  /**
   * The remote address (IPv4, or an IPv6 /64 prefix) of a caller without an
   * SVID; only on rate-limit refusals on the public listener.
   */
  'address': (string);
  /**
   * How many refusals this record stands for; 0 means one. A rate-limit
   * summary counts the refusals since the burst's previous record.
   */
  'count': (number);
}
