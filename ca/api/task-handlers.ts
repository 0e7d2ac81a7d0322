import type { SVIDServiceHandlers } from '../../agent-sdk/gen/tessera/v1/SVIDService.js';
import type { IssuanceContext } from '../issuance/context.js';
import { completeDelegation, prepareDelegation } from '../issuance/delegate.js';
import { mintJwtSvid } from '../issuance/mint-token.js';
import { type HandlerDeps, unaryHandler } from './handler.js';

const SERVICE = '/tessera.v1.SVIDService';

/** MintJWTSVID, PrepareDelegation and Delegate: thin adapters over the token and delegation flows (agents, mTLS). */
export function taskHandlers(
  deps: HandlerDeps, ctx: IssuanceContext,
): Pick<SVIDServiceHandlers, 'MintJWTSVID' | 'PrepareDelegation' | 'Delegate'> {
  return {
    MintJWTSVID: unaryHandler(deps, `${SERVICE}/MintJWTSVID`, async (req, peer) => {
      const minted = await mintJwtSvid(ctx, peer!, { audience: req.audience, scopes: req.scopes, ttlMs: req.ttlSeconds * 1000 });
      return { svid: { token: minted.token, spiffeId: minted.spiffeId, expiresAtMs: minted.expiresAtMs } };
    }),
    PrepareDelegation: unaryHandler(deps, `${SERVICE}/PrepareDelegation`, async (req, peer) => {
      const prepared = await prepareDelegation(ctx, peer!, {
        scopes: req.scopes, ttlMs: req.ttlSeconds * 1000, lifetimeMs: req.lifetimeSeconds * 1000,
      });
      return { delegationId: prepared.delegationId, record: prepared.record, spiffeId: prepared.spiffeId, expiresAtMs: prepared.expiresAtMs };
    }),
    Delegate: unaryHandler(deps, `${SERVICE}/Delegate`, async (req, peer) => {
      const done = await completeDelegation(ctx, peer!, { delegationId: req.delegationId, signature: req.signature });
      return { spiffeId: done.spiffeId, ticket: done.ticket, ticketExpiresAtMs: done.ticketExpiresAtMs };
    }),
  };
}
