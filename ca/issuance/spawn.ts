import { randomBytes } from 'node:crypto';
import { hashOneTimeSecret, newOneTimeSecret } from '../../agent-sdk/one-time-secret.js';
import { TesseraError } from '../../agent-sdk/errors.js';
import { type SpiffeId, parsePathSegment } from '../../agent-sdk/spiffe-id.js';
import { agentId, describeId } from '../../agent-sdk/tessera-id.js';
import { parseScopes } from '../../agent-sdk/scope.js';
import { checkAgentRequest, currentPolicy } from '../policy/policy.js';
import { type IssuanceContext, checkAudited } from './context.js';
import { auditPosition, rootPosition } from './position.js';
import { type TicketRecord, encodeRecord, taskKey, ticketKey } from './records.js';
import { assertNotRevoked, revokedKey } from '../revocation/records.js';

const SPONSOR = /^[\x21-\x7e]{1,256}$/;

export interface SpawnParams {
  readonly taskId: string;
  readonly scopes: readonly string[];
  readonly sponsor: string;
  /** 0 for the policy's default agent TTL; more than the policy's maximum is refused. */
  readonly ttlMs: number;
}

/**
 * Flow 2: allocates an agent instance for an orchestrator's task and returns a
 * one-time spawn ticket. The instance id is 128 random bits chosen here, never
 * by the caller. The task id, scopes and TTL must be within the orchestrator's
 * policy ceiling; the ticket carries the agent's root lineage (sponsor, task
 * scopes), which its SVIDs will carry.
 *
 * @throws {TesseraError} ERR_PERMISSION_DENIED when the caller is not an
 * orchestrator; ERR_REVOKED for a revoked orchestrator or a completed task;
 * ERR_SPIFFE_ID_INVALID / ERR_INVALID_ARGUMENT / ERR_SCOPE_INVALID for a bad
 * task id, sponsor, TTL or scope; ERR_POLICY_DENIED beyond the ceiling. Each is audited.
 */
export async function spawnAgent(
  ctx: IssuanceContext, caller: SpiffeId, params: SpawnParams,
): Promise<{ spiffeId: string; ticket: string; ticketExpiresAtMs: number }> {
  const ticket = newOneTimeSecret();
  const base = { operation: 'spawn', caller: caller.toString() };
  // The request's shape first, so that a refusal by policy (or revocation) names the task and sponsor it was about.
  const { who, task, scopes } = await checkAudited(ctx.journal, base, () => {
    const orchestrator = describeId(caller);
    if (orchestrator?.kind !== 'orchestrator' || !caller.memberOf(ctx.authority.trustDomain)) {
      throw new TesseraError('ERR_PERMISSION_DENIED', 'only an orchestrator may spawn agents');
    }
    const taskId = parsePathSegment(params.taskId);
    // The agent IDs of this task must fit a SPIFFE ID (2048 bytes): check with an instance id of the real length.
    agentId(ctx.authority.trustDomain, orchestrator.orchestrator, taskId, '0'.repeat(32));
    if (!SPONSOR.test(params.sponsor)) throw new TesseraError('ERR_INVALID_ARGUMENT', 'sponsor must be 1-256 printable ASCII characters');
    const canonical = parseScopes(params.scopes);
    if (!Number.isSafeInteger(params.ttlMs) || params.ttlMs < 0) throw new TesseraError('ERR_INVALID_ARGUMENT', 'TTL must not be negative');
    return { who: orchestrator, task: taskId, scopes: canonical };
  });
  // Flow 7: a revoked orchestrator, or a completed or revoked task, gets no new agents.
  const revoked = [revokedKey.id(caller.toString()), revokedKey.task(who.orchestrator, task)];
  return ctx.journal.commit({
    read: revoked,
    audit: { ...base, orchestrator: who.orchestrator, task, sponsor: params.sponsor, depth: 0 },
    decide: (current) => {
      assertNotRevoked(current, revoked);
      const { ttlMs } = checkAgentRequest(currentPolicy(ctx), { orchestrator: who.orchestrator, task, scopes, ttlMs: params.ttlMs, depth: 0 });
      const position = rootPosition({ orchestrator: who.orchestrator, task, sponsor: params.sponsor, scopes });
      const spiffeId = agentId(ctx.authority.trustDomain, who.orchestrator, task, randomBytes(16).toString('hex')).toString();
      const ticketExpiresAtMs = ctx.clock.now() + ctx.config.ttl.spawnTicketMs;
      const record: TicketRecord = {
        spiffeId, orchestrator: who.orchestrator, task, sponsor: params.sponsor, scopes, ttlMs, expiresAtMs: ticketExpiresAtMs, ...position,
      };
      return {
        ops: [
          { type: 'put', key: ticketKey(hashOneTimeSecret(ticket)), value: encodeRecord(record) },
          { type: 'put', key: taskKey(who.orchestrator, task), value: encodeRecord({ orchestrator: who.orchestrator, task }) },
        ],
        result: { spiffeId, ticket, ticketExpiresAtMs },
        audit: { subject: spiffeId, orchestrator: who.orchestrator, task, sponsor: params.sponsor, ...auditPosition(position) },
      };
    },
  });
}
