import { hashOneTimeSecret, oneTimeSecretProblem } from '../../agent-sdk/one-time-secret.js';
import { TesseraError } from '../../agent-sdk/errors.js';
import type { IssuedX509Svid } from '../authority/authority.js';
import { type IssuanceContext, checkAudited } from './context.js';
import { issueSvid } from './issue.js';
import { currentPolicy } from '../policy/policy.js';
import { auditPosition } from './position.js';
import { TICKET_REFUSALS, type TicketRecord, decodeRecord, spendOneTime, spentRecordOp, ticketKey } from './records.js';
import { assertNotRevoked, guardKeysOf, revokedKey } from '../revocation/records.js';
import { orchestratorId } from '../../agent-sdk/tessera-id.js';

/**
 * Flow 3: redeems a spawn ticket and a CSR for the agent's first SVID. The
 * SPIFFE ID comes from the ticket; the CSR contributes only its public key.
 * Of any number of concurrent uses of one ticket, one succeeds.
 *
 * @throws {TesseraError} ERR_TICKET_INVALID, ERR_TICKET_USED, ERR_TICKET_EXPIRED, ERR_REVOKED, ERR_CSR_INVALID; each is audited.
 */
export async function activateAgent(ctx: IssuanceContext, params: { ticket: string; csr: Uint8Array }): Promise<IssuedX509Svid> {
  const event = { operation: 'activate' };
  const key = await checkAudited(ctx.journal, event, () => {
    if (oneTimeSecretProblem(params.ticket)) throw new TesseraError('ERR_TICKET_INVALID', 'spawn ticket is malformed');
    return ctx.csrs.check(params.csr);
  });
  const recordKey = ticketKey(hashOneTimeSecret(params.ticket));
  // Flow 7: no activation under a revoked identity, task or ancestor. What a
  // ticket names never changes once written, so the journal reads its keys in the same group.
  let revoked: string[] = [];
  return ctx.journal.commit({
    read: [recordKey],
    readAlso: (current) => {
      const named = decodeRecord<TicketRecord>(current.get(recordKey));
      // A revoked orchestrator's unredeemed tickets die with it (docs/revocation.md).
      revoked = named ? [...guardKeysOf(named), revokedKey.id(orchestratorId(ctx.authority.trustDomain, named.orchestrator).toString())] : [];
      return revoked;
    },
    audit: event,
    decide: (current) => {
      const now = ctx.clock.now();
      const ticket = spendOneTime(decodeRecord<TicketRecord>(current.get(recordKey)), now, TICKET_REFUSALS);
      assertNotRevoked(current, revoked);
      const { parent, depth, delegationChain, lineage, lifetimeEndsAtMs } = ticket;
      const lifetimeCapMs = currentPolicy(ctx).forOrchestrator(ticket.orchestrator)?.maxLifetimeMs ?? ctx.config.limits.agentMaxLifetimeMs;
      const { svid, ops } = issueSvid(ctx, {
        spiffeId: ticket.spiffeId, kind: 'agent', orchestrator: ticket.orchestrator, task: ticket.task,
        sponsor: ticket.sponsor, scopes: ticket.scopes, ttlMs: ticket.ttlMs, firstIssuedAtMs: now, renewals: 0,
        parent, depth: depth ?? 0, delegationChain: delegationChain ?? [], lineage, lifetimeEndsAtMs,
      }, key.subjectPublicKeyInfo, lifetimeCapMs);
      return {
        ops: [spentRecordOp(recordKey, current.get(recordKey), ticket), ...ops],
        result: svid,
        audit: {
          subject: ticket.spiffeId, orchestrator: ticket.orchestrator, task: ticket.task, sponsor: ticket.sponsor, serial: svid.serialHex,
          ...auditPosition(ticket),
        },
      };
    },
  });
}
