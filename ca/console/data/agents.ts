/**
 * The identities the console lists: every agent and orchestrator the CA issued
 * SVIDs for (ca/revocation/inventory.ts decides where each stands), and the
 * agents spawned whose ticket is not yet redeemed. Tickets are stored only
 * under their hash; nothing of the key is read here, only the record.
 */
import { prefixRange } from '../../audit/record.js';
import type { TicketRecord } from '../../issuance/records.js';
import { decodeRecord } from '../../issuance/records.js';
import { type AgentView, listAgents } from '../../revocation/inventory.js';
import type { ConsoleSources } from '../sources.js';

/** Where an identity stands, as the console names it: `renewed` is an active identity that renewed at least once. */
export type ConsoleState = 'spawned' | 'active' | 'renewed' | 'revoked' | 'released' | 'expired';

/** One row: an identity, or a spawned agent that has no SVID yet (renewals 0, no serial). */
export interface IdentityRow {
  readonly state: ConsoleState;
  readonly kind: 'agent' | 'orchestrator';
  readonly spiffeId: string;
  readonly orchestrator: string;
  readonly task: string;
  readonly sponsor: string;
  readonly scopes: readonly string[];
  readonly parent: string;
  readonly depth: number;
  /** For a spawned agent: when its ticket expires. */
  readonly expiresAtMs: number;
  readonly issuedAtMs: number;
  readonly renewals: number;
  readonly revokedAtMs: number;
}

/** The most rows one page lists. */
export const MAX_ROWS = 500;

/**
 * Agents, then orchestrators (SPIFFE ID order), then spawned agents; at most
 * MAX_ROWS identities, and `more` says when there are others.
 *
 * @example const { rows } = await listIdentities(sources, { task: 'task-1', orchestrator: 'orch-a' });
 */
export async function listIdentities(
  sources: ConsoleSources, filter: { orchestrator?: string; task?: string } = {},
): Promise<{ rows: IdentityRow[]; more: boolean }> {
  const views = await listAgents(sources.ctx, sources.revocations, { ...filter, limit: MAX_ROWS + 1, includeOrchestrators: true });
  const rows = views.slice(0, MAX_ROWS).map(rowOf);
  for (const ticket of await pendingTickets(sources)) {
    if ((!filter.orchestrator || ticket.orchestrator === filter.orchestrator) && (!filter.task || ticket.task === filter.task)) rows.push(ticket);
  }
  return { rows, more: views.length > MAX_ROWS };
}

function rowOf(view: AgentView): IdentityRow {
  const state = view.status === 'active' && view.renewals > 0 ? 'renewed' : view.status;
  return { ...view, state };
}

/** Agents whose spawn ticket is neither used nor expired. */
async function pendingTickets(sources: ConsoleSources): Promise<IdentityRow[]> {
  const now = sources.ctx.clock.now();
  const rows: IdentityRow[] = [];
  for await (const [, value] of sources.ctx.store.entries(prefixRange('ticket/'))) {
    const t = decodeRecord<TicketRecord>(value)!;
    if (t.usedAtMs !== undefined || t.expiresAtMs <= now) continue;
    rows.push({
      state: 'spawned', kind: 'agent', spiffeId: t.spiffeId, orchestrator: t.orchestrator, task: t.task, sponsor: t.sponsor,
      scopes: t.scopes, parent: t.parent ?? '', depth: t.depth, expiresAtMs: t.expiresAtMs, issuedAtMs: 0, renewals: 0, revokedAtMs: 0,
    });
    if (rows.length >= MAX_ROWS) break;
  }
  return rows;
}
