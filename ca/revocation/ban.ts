/**
 * A ban: an orchestrator name that may not attest, however long ago its
 * revocation entries were pruned (SPIRE separates evicting an agent, after
 * which it may attest again, from banning it). A revocation entry lives only as
 * long as what it covers; a ban lives at `ban/<orchestrator>` until an operator
 * lifts it.
 */
import { TesseraError } from '../../agent-sdk/errors.js';
import { parsePathSegment } from '../../agent-sdk/spiffe-id.js';
import { orchestratorId } from '../../agent-sdk/tessera-id.js';
import { checkAudited } from '../issuance/context.js';
import { decodeRecord, encodeRecord, identityKey } from '../issuance/records.js';
import type { StoredRevocation } from './records.js';
import { sanitizeReason } from './records.js';
import { type RevocationContext, revoke } from './revoke.js';

export const banKey = (orchestrator: string) => `ban/${orchestrator}`;

/** The value at a ban key; the reason stays in the CA. */
export interface BanRecord {
  readonly atMs: number;
  readonly reason?: string;
}

/**
 * Refuses inside a transaction's `decide` when `orchestrator` is banned
 * (banKey(orchestrator) must be in the transaction's `read`).
 *
 * @throws {TesseraError} ERR_BANNED.
 */
export function assertNotBanned(current: ReadonlyMap<string, Uint8Array | undefined>, orchestrator: string): void {
  const ban = decodeRecord<BanRecord>(current.get(banKey(orchestrator)));
  if (ban) throw new TesseraError('ERR_BANNED', `orchestrator ${orchestrator} is banned since ${new Date(ban.atMs).toISOString()}; an operator may lift the ban (tessera unban)`);
}

/**
 * Bans `orchestrator` and revokes its current identity (if it has one), both
 * durable and audited (`orchestrator.ban`, then `revoke.agent`). Banning a
 * banned orchestrator changes nothing and says so (`banned: false`).
 *
 * @throws {TesseraError} ERR_SPIFFE_ID_INVALID for a bad name, ERR_INVALID_ARGUMENT for a bad reason; audited.
 * @example await banOrchestrator(rctx, { orchestrator: 'orch-a', reason: 'host compromised' });
 */
export async function banOrchestrator(
  rctx: RevocationContext, params: { orchestrator: string; reason?: string },
): Promise<{ banned: boolean; entries: StoredRevocation[] }> {
  const event = { operation: 'orchestrator.ban' };
  const { name, reason } = await checkAudited(rctx.journal, event, () => ({
    name: parsePathSegment(params.orchestrator), reason: sanitizeReason(params.reason),
  }));
  const spiffeId = orchestratorId(rctx.authority.trustDomain, name).toString();
  const banned = await rctx.journal.commit({
    read: [banKey(name)],
    audit: { ...event, orchestrator: name, subject: spiffeId },
    decide: (current) => {
      if (current.get(banKey(name))) return { ops: [], result: false };
      const record: BanRecord = { atMs: rctx.clock.now(), ...(reason !== undefined && { reason }) };
      return { ops: [{ type: 'put', key: banKey(name), value: encodeRecord(record) }], result: true };
    },
  });
  // The ban already stops new attestations; the entry ends the SVID it holds now, and its pending tickets.
  const issued = await rctx.store.get(identityKey(spiffeId));
  const entries = issued ? await revoke(rctx, { kind: 'agent', spiffeId }, { cause: 'operator', ...(reason !== undefined && { reason }) }) : [];
  return { banned, entries };
}

/**
 * Lifts the ban on `orchestrator`, durable and audited (`orchestrator.unban`).
 * Resolves false when it was not banned. Revocation entries stay in force.
 *
 * @throws {TesseraError} ERR_SPIFFE_ID_INVALID for a bad name; audited.
 */
export async function unbanOrchestrator(rctx: RevocationContext, params: { orchestrator: string }): Promise<boolean> {
  const event = { operation: 'orchestrator.unban' };
  const name = await checkAudited(rctx.journal, event, () => parsePathSegment(params.orchestrator));
  return rctx.journal.commit({
    read: [banKey(name)],
    audit: { ...event, orchestrator: name, subject: orchestratorId(rctx.authority.trustDomain, name).toString() },
    decide: (current) => (current.get(banKey(name))
      ? { ops: [{ type: 'del', key: banKey(name) }], result: true }
      : { ops: [], result: false }),
  });
}
