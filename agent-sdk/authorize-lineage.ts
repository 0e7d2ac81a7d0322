import type { Authorizer } from './authorizer.js';
import { PeerError, TesseraError } from './errors.js';
import { parseScopes, scopesCover } from './scope.js';
import { type VerifiedLineage, lineageOfVerifiedPeer } from './verify-lineage.js';

/** What `authorizeLineage` requires of a peer's delegation lineage; every field given must hold. */
export interface LineageRequirements {
  /** The human sponsor the whole chain acts for. */
  readonly sponsor?: string;
  /** The deepest delegation allowed: 0 admits only agents their orchestrator spawned. */
  readonly maxDepth?: number;
  /** The orchestrator name the task belongs to. */
  readonly orchestrator?: string;
  /** The task id. */
  readonly task?: string;
  /** Scopes the peer's own (effective) scopes must cover. */
  readonly scopes?: readonly string[];
  /** A last check of your own; returning false denies. */
  readonly check?: (lineage: VerifiedLineage) => boolean;
}

/**
 * Allows agents whose delegation lineage verifies (offline, see verifyLineage)
 * and meets `requirements`. Peers without a lineage (orchestrators, services)
 * are denied. Runs after the transport verified the peer's chain, which is
 * what vouches for the delegators' keys in the lineage.
 *
 * @throws {TesseraError} `ERR_SCOPE_INVALID` at construction for a bad scope;
 *   the returned authorizer throws {PeerError} `ERR_PEER_UNAUTHORIZED`.
 * @example
 * createMtlsServer(source, source, authorizeLineage({ sponsor: 'user:alice', maxDepth: 2 }), {}, onConnection);
 */
export function authorizeLineage(requirements: LineageRequirements): Authorizer {
  const required = requirements.scopes === undefined ? undefined : parseScopes(requirements.scopes);
  const maxDepth = requirements.maxDepth;
  if (maxDepth !== undefined && (!Number.isSafeInteger(maxDepth) || maxDepth < 0)) {
    throw new TesseraError('ERR_INVALID_ARGUMENT', 'maxDepth must be a non-negative integer');
  }
  return (id, verifiedChain) => {
    const leaf = verifiedChain[0];
    if (!leaf) deny(`${id} presented no certificate`);
    let lineage: VerifiedLineage;
    try {
      lineage = lineageOfVerifiedPeer(leaf, maxDepth === undefined ? {} : { maxDepth });
    } catch (err) {
      deny(err instanceof TesseraError ? err.message : `the lineage of ${id} does not verify`);
    }
    if (requirements.sponsor !== undefined && lineage.sponsor !== requirements.sponsor) deny(`${id} does not act for the required sponsor`);
    if (requirements.orchestrator !== undefined && lineage.orchestrator !== requirements.orchestrator) deny(`${id} is not of the required orchestrator`);
    if (requirements.task !== undefined && lineage.task !== requirements.task) deny(`${id} is not of the required task`);
    if (required && !scopesCover(lineage.effectiveScopes, required)) deny(`${id} lacks a required scope`);
    if (requirements.check && requirements.check(lineage) !== true) deny(`${id} fails the lineage check`);
  };
}

function deny(message: string): never {
  throw new PeerError('ERR_PEER_UNAUTHORIZED', message);
}
