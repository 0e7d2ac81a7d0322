import { type Lineage, decodeLineage, encodeLineage, lineageDigest } from '../../agent-sdk/lineage.js';
import type { DelegationPosition, IdentityRecord } from './records.js';

/**
 * The position of an agent its orchestrator spawned: depth 0, no ancestors,
 * and a lineage naming only the sponsor and the task's scopes (canonical).
 *
 * @example const ticket = { ...fields, ...rootPosition({ orchestrator, task, sponsor, scopes }) };
 */
export function rootPosition(task: { orchestrator: string; task: string; sponsor: string; scopes: readonly string[] }): DelegationPosition {
  const lineage = encodeLineage({ ...task, hops: [] });
  return { depth: 0, delegationChain: [], lineage: lineage.toString('base64') };
}

/**
 * The lineage a record stores, decoded; undefined for orchestrators (and records from before lineages).
 *
 * @throws {LineageError} ERR_LINEAGE_INVALID for a stored lineage that does not decode.
 * @example lineageOf(identity)?.hops.length
 */
export function lineageOf(position: DelegationPosition): Lineage | undefined {
  return position.lineage === undefined ? undefined : decodeLineage(Buffer.from(position.lineage, 'base64'));
}

/**
 * What the audit log records about an agent's place in its delegation tree
 * (DESIGN flow 9): its depth and the hash of its lineage (lineageDigest, hex),
 * which commits to the sponsor, the task scopes and every hop.
 *
 * @example audit: { subject, sponsor, ...auditPosition(ticket) }
 */
export function auditPosition(position: DelegationPosition): { depth: number; chainHash?: string } {
  const lineage = lineageOf(position);
  return lineage ? { depth: position.depth ?? 0, chainHash: lineageDigest(lineage).toString('hex') } : { depth: position.depth ?? 0 };
}

/**
 * What the audit log says about an agent: task, orchestrator, sponsor, depth
 * and chain hash; nothing for an orchestrator or an unknown identity.
 *
 * @example const event = { operation: 'token.mint', caller, ...describedBy(identity) };
 */
export function describedBy(identity: IdentityRecord | undefined): { orchestrator?: string; task?: string; sponsor?: string; depth?: number; chainHash?: string } {
  if (identity?.kind !== 'agent') return {};
  return { orchestrator: identity.orchestrator, task: identity.task, sponsor: identity.sponsor, ...auditPosition(identity) };
}
