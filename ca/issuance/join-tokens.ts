import { TesseraError } from '../../agent-sdk/errors.js';
import { parsePathSegment } from '../../agent-sdk/spiffe-id.js';
import { orchestratorId } from '../../agent-sdk/tessera-id.js';
import type { AttestationResult } from '../../node-attestor/types.js';
import type { IssuanceContext } from './context.js';
import { hashJoinToken, newJoinToken } from '../../node-attestor/join-token/server.js';
import { JOIN_TOKEN_REFUSALS, type JoinTokenRecord, decodeRecord, encodeRecord, joinTokenKey, spendOneTime, spentRecordOp } from './records.js';

/**
 * Makes a one-time join token that attests the named orchestrator. Only the
 * token's hash is stored; the token itself is returned once.
 *
 * @throws {TesseraError} ERR_SPIFFE_ID_INVALID for a name that is not one path segment.
 */
export async function createJoinToken(
  ctx: IssuanceContext, params: { orchestrator: string; ttlMs?: number },
): Promise<{ token: string; spiffeId: string; expiresAtMs: number }> {
  const token = newJoinToken();
  return ctx.journal.commit({
    read: [],
    audit: { operation: 'join_token.create' },
    decide: () => {
      const orchestrator = parsePathSegment(params.orchestrator);
      const spiffeId = orchestratorId(ctx.authority.trustDomain, orchestrator).toString();
      const ttlMs = params.ttlMs || ctx.config.ttl.joinTokenMs;
      if (ttlMs < 0 || ttlMs > ctx.config.ttl.joinTokenMs * 24) {
        throw new TesseraError('ERR_INVALID_ARGUMENT', 'join token lifetime is out of range');
      }
      const expiresAtMs = ctx.clock.now() + ttlMs;
      const record: JoinTokenRecord = { orchestrator, expiresAtMs };
      return {
        ops: [{ type: 'put', key: joinTokenKey(hashJoinToken(token)), value: encodeRecord(record) }],
        result: { token, spiffeId, expiresAtMs },
        audit: { orchestrator, subject: spiffeId },
      };
    },
  });
}

/**
 * Finds the orchestrator a join token names and returns it with the claim that
 * consumes the token in the attest transaction (attest.ts), which issues the
 * SVID: of any number of concurrent uses one succeeds, and a CA that stops
 * before that commit has not spent the token. The join_token plugin calls this
 * as its `redeem`.
 *
 * @throws {TesseraError} ERR_JOIN_TOKEN_INVALID (unknown); the claim throws
 *   ERR_JOIN_TOKEN_USED and ERR_JOIN_TOKEN_EXPIRED.
 */
export async function redeemJoinToken(ctx: IssuanceContext, token: string): Promise<AttestationResult> {
  const key = joinTokenKey(hashJoinToken(token));
  // The orchestrator a token names never changes; whether it is still unused is
  // decided in the transaction.
  const named = decodeRecord<JoinTokenRecord>(await ctx.store.get(key));
  if (!named) throw new TesseraError('ERR_JOIN_TOKEN_INVALID', 'join token is not known');
  return {
    orchestrator: named.orchestrator,
    claim: {
      read: [key],
      consume: (current) => {
        const used = spendOneTime(decodeRecord<JoinTokenRecord>(current.get(key)), ctx.clock.now(), JOIN_TOKEN_REFUSALS);
        return [spentRecordOp(key, current.get(key), used)];
      },
    },
  };
}
