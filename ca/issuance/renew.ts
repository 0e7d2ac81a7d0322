import { TesseraError } from '../../agent-sdk/errors.js';
import type { SpiffeId } from '../../agent-sdk/spiffe-id.js';
import type { IssuedX509Svid } from '../authority/authority.js';
import type { CsrKey } from '../authority/csr.js';
import { type IssuanceContext, checkAudited } from './context.js';
import { issueSvid } from './issue.js';
import { checkAgentRequest, currentPolicy } from '../policy/policy.js';
import { auditPosition } from './position.js';
import { type IdentityRecord, decodeRecord, identityKey } from './records.js';
import { assertIdentityNotRevoked, assertNotRevoked, guardKeysOf } from '../revocation/records.js';

/** The SVID a renewal presents: on the mTLS connection, or in an SVID proof. */
export interface RenewingSvid {
  readonly id: SpiffeId;
  readonly serialHex: string;
  /**
   * With an SVID proof: the digest of the certificate whose key signed it, to be
   * the identity's newest (certificateDigest). Over mTLS the TLS layer verified the
   * chain, and the serial alone names the certificate.
   */
  readonly certificateSha256?: string;
}

/**
 * Flow 4: issues a new SVID with the caller's own SPIFFE ID for a new key (`checking`:
 * the CSR's check, ctx.csrs.check(csr), when the caller started it already). Only
 * the identity's newest SVID may renew it, so an older stolen SVID cannot be
 * stretched; renewals and total lifetime are capped by the limits, for agents
 * by their orchestrator's policy as it is now: an agent whose task, scopes or
 * depth the current policy no longer allows cannot renew.
 *
 * @throws {TesseraError} ERR_PERMISSION_DENIED (unknown identity or not the newest
 * SVID), ERR_REVOKED, ERR_RENEWAL_LIMIT, ERR_POLICY_DENIED, ERR_CSR_INVALID;
 * with a certificate digest, ERR_SVID_PROOF_INVALID or ERR_SVID_PROOF_UNUSABLE
 * (assertNewestSvid); each is audited.
 */
export async function renewX509Svid(
  ctx: IssuanceContext, caller: RenewingSvid, csr: Uint8Array, checking?: Promise<CsrKey>,
): Promise<IssuedX509Svid> {
  const spiffeId = caller.id.toString();
  const event = { operation: 'renew', caller: spiffeId, subject: spiffeId };
  const key = await checkAudited(ctx.journal, event, () => checking ?? ctx.csrs.check(csr));
  const recordKey = identityKey(spiffeId);
  // Flow 7: a revoked identity, task, ancestor subtree or certificate cannot renew.
  // The lineage never changes once issued, so the journal reads its keys in the same group.
  let revoked: string[] = [];
  return ctx.journal.commit({
    read: [recordKey],
    readAlso: (current) => {
      const lineage = decodeRecord<IdentityRecord>(current.get(recordKey));
      revoked = guardKeysOf({ spiffeId, delegationChain: lineage?.delegationChain, serialHex: caller.serialHex });
      return revoked;
    },
    audit: event,
    decide: (current) => {
      const identity = decodeRecord<IdentityRecord>(current.get(recordKey));
      if (!identity) throw new TesseraError('ERR_PERMISSION_DENIED', 'identity is not known to this CA');
      assertNotRevoked(current, revoked);
      assertIdentityNotRevoked(identity);
      assertNewestSvid(identity, caller);
      const limits = ctx.config.limits;
      let [maxRenewals, maxLifetimeMs, ttlMs] = [limits.orchestratorMaxRenewals, limits.orchestratorMaxLifetimeMs, identity.ttlMs];
      if (identity.kind === 'agent') {
        const { entry } = checkAgentRequest(currentPolicy(ctx), {
          orchestrator: identity.orchestrator, task: identity.task ?? '', scopes: identity.scopes, ttlMs: 0, depth: identity.depth ?? 0,
        });
        [maxRenewals, maxLifetimeMs, ttlMs] = [entry.maxRenewals, entry.maxLifetimeMs, Math.min(identity.ttlMs, entry.maxSvidTtlMs)];
      }
      if (identity.renewals >= maxRenewals) throw new TesseraError('ERR_RENEWAL_LIMIT', 'identity has reached its renewal limit');
      const now = ctx.clock.now();
      if (now >= identity.firstIssuedAtMs + maxLifetimeMs || now >= (identity.lifetimeEndsAtMs ?? Infinity)) {
        throw new TesseraError('ERR_RENEWAL_LIMIT', 'identity has reached its maximum lifetime');
      }
      const { serial: _previous, certificateSha256: _digest, expiresAtMs: _expiry, ...rest } = identity;
      const renewed = { ...rest, ttlMs, renewals: identity.renewals + 1, depth: identity.depth ?? 0, delegationChain: identity.delegationChain ?? [] };
      const { svid, ops } = issueSvid(ctx, renewed, key.subjectPublicKeyInfo, maxLifetimeMs);
      return {
        ops,
        result: svid,
        audit: { orchestrator: identity.orchestrator, task: identity.task, sponsor: identity.sponsor, serial: svid.serialHex,
          ...(identity.kind === 'agent' ? auditPosition(renewed) : {}),
        },
      };
    },
  });
}

/**
 * The SVID a caller presents must be its identity's newest: the same serial and,
 * when the caller proved it in the request (an SvidProof), the same certificate
 * byte for byte, since a certificate made up with that serial and another key differs.
 *
 * @throws {TesseraError} ERR_PERMISSION_DENIED for an older SVID; ERR_SVID_PROOF_INVALID when the
 * certificate differs; ERR_SVID_PROOF_UNUSABLE when the record predates certificate digests
 * (the caller uses mutual TLS, whose renewal records one).
 * @example assertNewestSvid(identity, { id, serialHex, certificateSha256 });
 */
export function assertNewestSvid(identity: IdentityRecord, caller: RenewingSvid): void {
  if (identity.serial !== caller.serialHex) {
    throw new TesseraError('ERR_PERMISSION_DENIED', 'only the newest SVID of an identity may renew it');
  }
  if (caller.certificateSha256 === undefined) return;
  if (identity.certificateSha256 === undefined) {
    throw new TesseraError('ERR_SVID_PROOF_UNUSABLE', 'this SVID was issued before SVID proofs; use mutual TLS until it is renewed');
  }
  if (identity.certificateSha256 !== caller.certificateSha256) {
    throw new TesseraError('ERR_SVID_PROOF_INVALID', 'the proof does not carry the certificate this CA issued');
  }
}
