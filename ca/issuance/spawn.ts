import { randomBytes } from 'node:crypto';
import { TesseraError } from '../../agent-sdk/errors.js';
import { type SpiffeId, parsePathSegment } from '../../agent-sdk/spiffe-id.js';
import { agentId, describeId } from '../../agent-sdk/tessera-id.js';
import type { IssuanceContext } from './context.js';
import { type TicketRecord, encodeRecord, hashSecret, newSecret, ticketKey } from './records.js';
import { assertNotRevoked, revokedKey } from '../revocation/records.js';

const MAX_SCOPES = 64;
const SCOPE = /^[\x21-\x7e]{1,256}$/;
const SPONSOR = /^[\x21-\x7e]{1,256}$/;

export interface SpawnParams {
  readonly taskId: string;
  readonly scopes: readonly string[];
  readonly sponsor: string;
  /** 0 for the default agent TTL; more than the maximum is cut to it. */
  readonly ttlMs: number;
}

/**
 * Flow 2: allocates an agent instance for an orchestrator's task and returns a
 * one-time spawn ticket. The instance id is 128 random bits chosen here, never
 * by the caller.
 *
 * @throws {TesseraError} ERR_PERMISSION_DENIED when the caller is not an
 * orchestrator; ERR_REVOKED for a revoked orchestrator or a completed task;
 * ERR_SPIFFE_ID_INVALID / ERR_INVALID_ARGUMENT for a bad task id,
 * sponsor, scope or TTL. Each is audited.
 */
export function spawnAgent(
  ctx: IssuanceContext, caller: SpiffeId, params: SpawnParams,
): Promise<{ spiffeId: string; ticket: string; ticketExpiresAtMs: number }> {
  const ticket = newSecret();
  // Flow 7: a revoked orchestrator, or a completed or revoked task, gets no new agents.
  const who = describeId(caller);
  const revoked = who?.kind === 'orchestrator' ? [revokedKey.id(caller.toString()), revokedKey.task(who.orchestrator, params.taskId)] : [];
  return ctx.journal.commit({
    read: revoked,
    audit: { operation: 'spawn', caller: caller.toString() },
    decide: (current) => {
      if (who?.kind !== 'orchestrator' || !caller.memberOf(ctx.authority.trustDomain)) {
        throw new TesseraError('ERR_PERMISSION_DENIED', 'only an orchestrator may spawn agents');
      }
      const task = parsePathSegment(params.taskId);
      assertNotRevoked(current, revoked);
      if (!SPONSOR.test(params.sponsor)) throw new TesseraError('ERR_INVALID_ARGUMENT', 'sponsor must be 1-256 printable ASCII characters');
      if (params.scopes.length > MAX_SCOPES) throw new TesseraError('ERR_INVALID_ARGUMENT', `at most ${MAX_SCOPES} scopes`);
      if (!params.scopes.every((s) => SCOPE.test(s))) throw new TesseraError('ERR_INVALID_ARGUMENT', 'a scope must be 1-256 printable ASCII characters');
      if (!Number.isSafeInteger(params.ttlMs) || params.ttlMs < 0) throw new TesseraError('ERR_INVALID_ARGUMENT', 'TTL must not be negative');
      const ttlMs = Math.min(params.ttlMs || ctx.config.ttl.agentMs, ctx.config.ttl.agentMaxMs);
      const spiffeId = agentId(ctx.authority.trustDomain, who.orchestrator, task, randomBytes(16).toString('hex')).toString();
      const ticketExpiresAtMs = ctx.clock.now() + ctx.config.ttl.spawnTicketMs;
      const record: TicketRecord = {
        spiffeId, orchestrator: who.orchestrator, task, sponsor: params.sponsor, scopes: [...params.scopes], ttlMs, expiresAtMs: ticketExpiresAtMs,
      };
      return {
        ops: [{ type: 'put', key: ticketKey(hashSecret(ticket)), value: encodeRecord(record) }],
        result: { spiffeId, ticket, ticketExpiresAtMs },
        audit: { subject: spiffeId, orchestrator: who.orchestrator, task, sponsor: params.sponsor },
      };
    },
  });
}
