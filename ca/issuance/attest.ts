import { TesseraError } from '../../agent-sdk/errors.js';
import { orchestratorId } from '../../agent-sdk/tessera-id.js';
import { parsePathSegment } from '../../agent-sdk/spiffe-id.js';
import type { AttestorRegistry } from '../../node-attestor/registry.js';
import type { Challenge } from '../../node-attestor/types.js';
import type { IssuedX509Svid } from '../authority/authority.js';
import { type IssuanceContext, checkAudited } from './context.js';
import { issueSvid } from './issue.js';
import { decodeRecord } from './records.js';
import { type RevokedIndex, revokedKey } from '../revocation/records.js';
import { assertNotBanned, banKey } from '../revocation/ban.js';

/**
 * Flow 1: runs one node attestation and issues the orchestrator's SVID. The
 * orchestrator name comes only from what the plugin proved.
 *
 * @throws {TesseraError} ERR_ATTESTOR_UNKNOWN, ERR_CSR_INVALID, the plugin's refusal, or
 *   ERR_REVOKED while a revocation (or release) of this orchestrator's ID is in force,
 *   ERR_BANNED while an operator's ban of its name is;
 *   each is audited, and a refused attestation uses up no one-time proof.
 */
export async function attestOrchestrator(
  ctx: IssuanceContext,
  attestors: AttestorRegistry,
  params: { attestor: string; payload: Uint8Array; csr: Uint8Array },
  challenge: Challenge,
): Promise<IssuedX509Svid> {
  const base = { operation: 'attest' };
  const attestor = await checkAudited(ctx.journal, base, () => attestors.get(params.attestor));
  const event = { ...base, attestor: attestor.name };
  const key = await checkAudited(ctx.journal, event, () => ctx.csrs.check(params.csr));
  const { proven, claim } = await checkAudited(ctx.journal, event, async () => {
    const result = await attestor.attest(params.payload, challenge);
    return { proven: parsePathSegment(result.orchestrator), claim: result.claim };
  });
  const spiffeId = orchestratorId(ctx.authority.trustDomain, proven).toString();
  const revoked = revokedKey.id(spiffeId);
  return ctx.journal.commit({
    read: [...(claim?.read ?? []), revoked, banKey(proven)],
    audit: { ...event, orchestrator: proven, subject: spiffeId },
    decide: (current) => {
      assertNotBanned(current, proven);
      // The entry refuses every SVID with this ID until it is pruned, a new one too:
      // say so now rather than issue a certificate nobody accepts.
      const entry = decodeRecord<RevokedIndex>(current.get(revoked));
      if (entry) {
        throw new TesseraError('ERR_REVOKED', `orchestrator ${proven} was revoked or released; it can attest again after ${new Date(entry.expiresAtMs).toISOString()}`);
      }
      // A one-time proof is used up in the transaction that issues the SVID, or not at all.
      const consumed = claim?.consume(current) ?? [];
      // A fresh attestation is a fresh proof: renewal count and lifetime start over.
      const { svid, ops } = issueSvid(ctx, {
        spiffeId, kind: 'orchestrator', orchestrator: proven, scopes: [], depth: 0, delegationChain: [],
        ttlMs: ctx.config.ttl.orchestratorMs, firstIssuedAtMs: ctx.clock.now(), renewals: 0,
      }, key.subjectPublicKeyInfo, ctx.config.limits.orchestratorMaxLifetimeMs);
      return { ops: [...consumed, ...ops], result: svid, audit: { serial: svid.serialHex } };
    },
  });
}
