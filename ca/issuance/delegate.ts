import { createPublicKey, randomBytes, verify } from 'node:crypto';
import { hashOneTimeSecret, newOneTimeSecret } from '../../agent-sdk/one-time-secret.js';
import { TesseraError } from '../../agent-sdk/errors.js';
import {
  type DelegationRecord, decodeDelegationRecord, decodeLineage, delegationSigningBytes, encodeDelegationRecord, encodeLineage,
  lineageDigest,
} from '../../agent-sdk/lineage.js';
import { parseScopes, scopesCover } from '../../agent-sdk/scope.js';
import { agentId } from '../../agent-sdk/tessera-id.js';
import { verifyLineage } from '../../agent-sdk/verify-lineage.js';
import type { Peer } from '../api/authz.js';
import { checkAgentRequest, currentPolicy } from '../policy/policy.js';
import { assertIdentityNotRevoked, assertNotRevoked, guardKeysOf } from '../revocation/records.js';
import { type IssuanceContext, checkAudited } from './context.js';
import { auditPosition, describedBy, lineageOf } from './position.js';
import {
  type IdentityRecord, type PendingDelegationRecord, type TicketRecord, decodeRecord, delegationKey, encodeRecord,
  identityKey, ticketKey,
} from './records.js';

const DELEGATION_ID = /^[0-9a-f]{32}$/;
const MAX_SIGNATURE_BYTES = 80;

/** What the delegator gets from the first call: the record to sign. */
export interface PreparedDelegation {
  readonly delegationId: string;
  readonly record: Buffer;
  readonly spiffeId: string;
  readonly expiresAtMs: number;
}

const denied = (why: string) => new TesseraError('ERR_DELEGATION_DENIED', why);

/**
 * Flow 6, first call: an agent asks for a sub-agent. Scopes must be covered by
 * its own, the sub-agent's life must end no later than the delegator's may
 * (its total-lifetime cap or its own delegated end), the SVID TTL must fit in
 * that life and the policy, and the depth must stay within the policy. The CA
 * chooses the sub-agent's instance id and returns the DelegationRecord naming
 * delegator, its key (from the certificate on this connection), sub-agent,
 * scopes, times and depth, linked to the delegator's lineage. Only the
 * delegator's newest SVID may delegate, as only it may renew.
 *
 * @throws {TesseraError} ERR_SCOPE_INVALID, ERR_INVALID_ARGUMENT, ERR_DELEGATION_DENIED
 *   (scope or lifetime beyond the delegator's), ERR_POLICY_DENIED (depth, TTL,
 *   ceiling), ERR_PERMISSION_DENIED, ERR_REVOKED. Each is audited.
 */
export async function prepareDelegation(
  ctx: IssuanceContext, caller: Peer, params: { scopes: readonly string[]; ttlMs: number; lifetimeMs: number },
): Promise<PreparedDelegation> {
  const delegator = caller.id.toString();
  const recordKey = identityKey(delegator);
  const known = decodeRecord<IdentityRecord>(await ctx.store.get(recordKey));
  const event = { operation: 'delegate.prepare', caller: delegator, ...describedBy(known) };
  const scopes = await checkAudited(ctx.journal, event, () => {
    for (const ms of [params.ttlMs, params.lifetimeMs]) {
      if (!Number.isSafeInteger(ms) || ms < 0) throw new TesseraError('ERR_INVALID_ARGUMENT', 'TTL and lifetime must not be negative');
    }
    return parseScopes(params.scopes);
  });
  const revoked = guardKeysOf({ spiffeId: delegator, delegationChain: known?.delegationChain, serialHex: caller.serialHex });
  const delegationId = randomBytes(16).toString('hex');
  return ctx.journal.commit({
    read: [recordKey, ...revoked],
    audit: event,
    decide: (current) => {
      const parent = decodeRecord<IdentityRecord>(current.get(recordKey));
      if (parent?.kind !== 'agent' || parent.task === undefined || parent.sponsor === undefined) {
        throw new TesseraError('ERR_PERMISSION_DENIED', 'only an agent this CA issued may delegate');
      }
      assertNotRevoked(current, revoked);
      assertIdentityNotRevoked(parent);
      if (parent.serial !== caller.serialHex) throw new TesseraError('ERR_PERMISSION_DENIED', 'only the newest SVID of an identity may delegate');
      const parentLineage = lineageOf(parent);
      if (!parentLineage) throw denied('the delegator has no lineage to extend');
      if (!scopesCover(parent.scopes, scopes)) throw denied('a sub-agent\'s scopes must be covered by its delegator\'s');
      const depth = (parent.depth ?? 0) + 1;
      const { entry, ttlMs } = checkAgentRequest(currentPolicy(ctx), {
        orchestrator: parent.orchestrator, task: parent.task, scopes, ttlMs: params.ttlMs, depth,
      });
      const now = ctx.clock.now();
      // The delegator's life ends at its total-lifetime cap or its own delegated end: the sub-agent's within it.
      const parentEndsAtMs = Math.min(parent.firstIssuedAtMs + entry.maxLifetimeMs, parent.lifetimeEndsAtMs ?? Infinity);
      const endsAtMs = params.lifetimeMs ? now + params.lifetimeMs : parentEndsAtMs;
      if (endsAtMs > parentEndsAtMs) throw denied('a sub-agent may not live longer than its delegator');
      // A TTL asked for must fit; the default one is cut to the life left (issueSvid caps each SVID there).
      if (params.ttlMs && now + ttlMs > endsAtMs) throw denied('the SVID lifetime is longer than the sub-agent may live');
      const child = agentId(ctx.authority.trustDomain, parent.orchestrator, parent.task, randomBytes(16).toString('hex')).toString();
      const record: DelegationRecord = {
        previous: lineageDigest(parentLineage),
        delegator,
        delegatorKey: caller.fields.subjectPublicKeyInfo,
        delegate: child,
        scopes,
        delegatedAtMs: Math.floor(now),
        notAfterMs: Math.floor(endsAtMs),
        depth,
      };
      const recordDer = encodeDelegationRecord(record);
      const delegatorChain = parent.delegationChain ?? [];
      const pending: PendingDelegationRecord = {
        delegator,
        delegatorChain,
        delegatorLineage: parent.lineage!,
        record: recordDer.toString('base64'),
        ticket: {
          spiffeId: child, orchestrator: parent.orchestrator, task: parent.task, sponsor: parent.sponsor, scopes, ttlMs,
          parent: delegator, depth, delegationChain: [...delegatorChain, delegator], lifetimeEndsAtMs: record.notAfterMs,
        },
        expiresAtMs: now + ctx.config.ttl.spawnTicketMs,
      };
      return {
        ops: [{ type: 'put', key: delegationKey(delegationId), value: encodeRecord(pending) }],
        result: { delegationId, record: recordDer, spiffeId: child, expiresAtMs: pending.expiresAtMs },
        audit: { subject: child, orchestrator: parent.orchestrator, task: parent.task, sponsor: parent.sponsor, ...auditPosition(parent), depth },
      };
    },
  });
}

/**
 * Flow 6, second call: the delegator's signature over the prepared record
 * completes the delegation. The signature must verify with the key the record
 * names; the sub-agent's lineage (the delegator's plus this hop) is verified
 * like any verifier would, stored on a one-time spawn ticket, and embedded in
 * each SVID the sub-agent gets. The pending delegation works once.
 *
 * @throws {TesseraError} ERR_INVALID_ARGUMENT, ERR_DELEGATION_DENIED (unknown,
 *   used, expired, another caller's, or a signature that does not verify),
 *   ERR_REVOKED. Each is audited.
 */
export async function completeDelegation(
  ctx: IssuanceContext, caller: Peer, params: { delegationId: string; signature: Uint8Array },
): Promise<{ spiffeId: string; ticket: string; ticketExpiresAtMs: number }> {
  const delegator = caller.id.toString();
  const pendingKey = delegationKey(params.delegationId);
  // A pending delegation never changes but for its use mark, so it can be read ahead.
  const known = DELEGATION_ID.test(params.delegationId) ? decodeRecord<PendingDelegationRecord>(await ctx.store.get(pendingKey)) : undefined;
  const mine = known?.delegator === delegator ? known.ticket : undefined;
  const event = {
    operation: 'delegate', caller: delegator,
    ...(mine && { subject: mine.spiffeId, orchestrator: mine.orchestrator, task: mine.task, sponsor: mine.sponsor, depth: mine.depth }),
  };
  await checkAudited(ctx.journal, event, () => {
    if (typeof params.delegationId !== 'string' || !DELEGATION_ID.test(params.delegationId)) throw new TesseraError('ERR_INVALID_ARGUMENT', 'malformed delegation id');
    if (params.signature.length === 0 || params.signature.length > MAX_SIGNATURE_BYTES) throw denied('malformed signature');
  });
  const revoked = guardKeysOf({ spiffeId: delegator, delegationChain: known?.delegatorChain, serialHex: caller.serialHex });
  const ticket = newOneTimeSecret();
  return ctx.journal.commit({
    read: [pendingKey, identityKey(delegator), ...revoked],
    audit: event,
    decide: (current) => {
      const pending = decodeRecord<PendingDelegationRecord>(current.get(pendingKey));
      if (!pending || pending.delegator !== delegator) throw denied('no such delegation for this caller');
      if (pending.usedAtMs !== undefined) throw denied('the delegation was already completed');
      const now = ctx.clock.now();
      if (pending.expiresAtMs <= now) throw denied('the delegation has expired');
      assertNotRevoked(current, revoked);
      const parent = decodeRecord<IdentityRecord>(current.get(identityKey(delegator)));
      if (parent) assertIdentityNotRevoked(parent);
      const recordDer = Buffer.from(pending.record, 'base64');
      const record = decodeDelegationRecord(recordDer);
      const signature = Buffer.from(params.signature);
      const key = createPublicKey({ key: record.delegatorKey, format: 'der', type: 'spki' });
      if (!verify('sha256', delegationSigningBytes(recordDer), { key, dsaEncoding: 'der' }, signature)) {
        throw denied('the signature does not verify with the delegator\'s key');
      }
      const parentLineage = decodeLineage(Buffer.from(pending.delegatorLineage, 'base64'));
      const lineage = { ...parentLineage, hops: [...parentLineage.hops, { record, recordDer, signature }] };
      // What every verifier will check, checked before the CA vouches for it.
      verifyLineage(lineage, pending.ticket.spiffeId);
      const ticketRecord: TicketRecord = {
        ...pending.ticket, lineage: encodeLineage(lineage).toString('base64'), expiresAtMs: now + ctx.config.ttl.spawnTicketMs,
      };
      const used: PendingDelegationRecord = { ...pending, usedAtMs: now };
      return {
        ops: [
          { type: 'put', key: ticketKey(hashOneTimeSecret(ticket)), value: encodeRecord(ticketRecord) },
          { type: 'put', key: pendingKey, value: encodeRecord(used) },
        ],
        result: { spiffeId: ticketRecord.spiffeId, ticket, ticketExpiresAtMs: ticketRecord.expiresAtMs },
        audit: {
          subject: ticketRecord.spiffeId, orchestrator: ticketRecord.orchestrator, task: ticketRecord.task, sponsor: ticketRecord.sponsor,
          ...auditPosition(ticketRecord),
        },
      };
    },
  });
}
