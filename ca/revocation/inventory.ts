/**
 * The live inventory: every identity the CA issued SVIDs for, with its task,
 * lineage and where it stands (active, released, revoked, expired).
 */
import { TesseraError } from '../../agent-sdk/errors.js';
import type { RevocationList } from '../../agent-sdk/revocation-list.js';
import { SpiffeId, parsePathSegment } from '../../agent-sdk/spiffe-id.js';
import { prefixRange } from '../audit/record.js';
import type { IssuanceContext } from '../issuance/context.js';
import { type IdentityRecord, decodeRecord, identityKey } from '../issuance/records.js';

export type AgentStatus = 'active' | 'released' | 'revoked' | 'expired';

/** One identity as the inventory shows it. */
export interface AgentView {
  readonly spiffeId: string;
  readonly kind: 'agent' | 'orchestrator';
  readonly orchestrator: string;
  readonly task: string;
  readonly sponsor: string;
  readonly parent: string;
  readonly depth: number;
  readonly delegationChain: readonly string[];
  readonly scopes: readonly string[];
  readonly issuedAtMs: number;
  readonly expiresAtMs: number;
  readonly renewals: number;
  readonly status: AgentStatus;
  readonly serial: string;
  readonly revocationSequence: number;
  readonly revokedAtMs: number;
  readonly revocationReason: string;
}

/** An identity record with the lineage fields delegation adds. */
type Identity = IdentityRecord & { parent?: string; depth?: number; delegationChain?: readonly string[] };

/**
 * Where an identity stands. The mark its revocation left decides first; then a
 * live entry covering it (its task, an ancestor, its current certificate); then
 * the expiry of its newest SVID. Never throws.
 *
 * @example viewOf(identity, feed.list, clock.now()).status // 'active'
 */
export function viewOf(identity: Identity, revocations: RevocationList, nowMs: number): AgentView {
  const chain = identity.delegationChain ?? [];
  const entry = identity.revocation
    ? undefined
    : revocations.find({ id: identity.spiffeId, serialHex: identity.serial, ancestors: chain });
  const ended = identity.revocation ?? (entry && { sequence: entry.sequence, atMs: entry.revokedAtMs, cause: entry.cause, reason: undefined });
  const status: AgentStatus = ended
    ? ended.cause === 'operator' ? 'revoked' : 'released'
    : identity.expiresAtMs <= nowMs ? 'expired' : 'active';
  return {
    spiffeId: identity.spiffeId,
    kind: identity.kind,
    orchestrator: identity.orchestrator,
    task: identity.task ?? '',
    sponsor: identity.sponsor ?? '',
    parent: identity.parent ?? chain.at(-1) ?? '',
    depth: identity.depth ?? chain.length,
    delegationChain: chain,
    scopes: identity.scopes,
    issuedAtMs: identity.firstIssuedAtMs,
    expiresAtMs: identity.expiresAtMs,
    renewals: identity.renewals,
    status,
    serial: identity.serial,
    revocationSequence: ended?.sequence ?? 0,
    revokedAtMs: ended?.atMs ?? 0,
    revocationReason: ended?.reason ?? '',
  };
}

/** What `tessera agents list` filters on. */
export interface AgentFilter {
  readonly orchestrator?: string;
  readonly task?: string;
  readonly status?: AgentStatus;
  /** Start after this SPIFFE ID. */
  readonly after?: string;
  readonly limit: number;
  /** Orchestrators too, after the agents (SPIFFE ID order); none when a task is named. */
  readonly includeOrchestrators?: boolean;
}

/**
 * Agent instances in SPIFFE ID order, filtered. Reads a consistent-enough
 * snapshot: the store as it is while the scan runs.
 *
 * @throws {TesseraError} ERR_SPIFFE_ID_INVALID for a bad orchestrator or task name or `after` cursor.
 * @example await listAgents(ctx, feed.list, { orchestrator: 'orch-a', limit: 100 });
 */
export async function listAgents(ctx: IssuanceContext, revocations: RevocationList, filter: AgentFilter): Promise<AgentView[]> {
  const orchestrator = filter.orchestrator ? parsePathSegment(filter.orchestrator) : undefined;
  const task = filter.task ? parsePathSegment(filter.task) : undefined;
  // The cursor becomes a key-range start: only a canonical ID, never raw caller bytes.
  const after = filter.after ? SpiffeId.parse(filter.after).toString() : undefined;
  // Agent IDs are agent/<orchestrator>/<task>/<instance>: an orchestrator (and a task) is a key prefix.
  const td = `spiffe://${ctx.authority.trustDomain}`;
  const prefixes = [`${td}/agent/${orchestrator ? `${orchestrator}/${task ? `${task}/` : ''}` : ''}`];
  // orchestrator/<name> sorts after agent/..., so the pages stay in SPIFFE ID order.
  if (filter.includeOrchestrators && !task) prefixes.push(orchestrator ? `${td}/orchestrator/${orchestrator}` : `${td}/orchestrator/`);
  // The smallest key after identityKey(after).
  const start = after ? identityKey(after) + '\u0000' : '';
  const now = ctx.clock.now();
  const found: AgentView[] = [];
  for (const prefix of prefixes) {
    const range = orchestrator && prefix.includes('/orchestrator/') ? { gte: identityKey(prefix), lt: identityKey(prefix) + '\u0000' } : prefixRange(identityKey(prefix));
    for await (const [, value] of ctx.store.entries({ gte: start > range.gte ? start : range.gte, lt: range.lt })) {
      const view = viewOf(decodeRecord<Identity>(value)!, revocations, now);
      if ((task && view.task !== task) || (filter.status && view.status !== filter.status)) continue;
      found.push(view);
      if (found.length >= filter.limit) return found;
    }
  }
  return found;
}

/**
 * One identity and its delegation subtree (parents before children).
 *
 * @throws {TesseraError} ERR_SPIFFE_ID_INVALID for a malformed ID, ERR_NOT_FOUND for one this CA never issued.
 * @example const { agent, descendants } = await getAgent(ctx, feed.list, 'spiffe://tessera.local/agent/o/t/i');
 */
export async function getAgent(ctx: IssuanceContext, revocations: RevocationList, spiffeId: string): Promise<{ agent: AgentView; descendants: AgentView[] }> {
  const id = SpiffeId.parse(spiffeId).toString();
  const identity = decodeRecord<Identity>(await ctx.store.get(identityKey(id)));
  if (!identity) throw new TesseraError('ERR_NOT_FOUND', 'this CA issued no SVID to that identity');
  const now = ctx.clock.now();
  const descendants: AgentView[] = [];
  for await (const [, value] of ctx.store.entries(prefixRange(identityKey(`spiffe://${ctx.authority.trustDomain}/agent/`)))) {
    const other = decodeRecord<Identity>(value)!;
    if ((other.delegationChain ?? []).includes(id)) descendants.push(viewOf(other, revocations, now));
  }
  descendants.sort((a, b) => a.depth - b.depth || a.spiffeId.localeCompare(b.spiffeId));
  return { agent: viewOf(identity, revocations, now), descendants };
}
