import type { SVIDServiceHandlers } from '../../agent-sdk/gen/tessera/v1/SVIDService.js';
import type { CsrKey } from '../authority/csr.js';
import type { IssuanceContext } from '../issuance/context.js';
import { activateAgent } from '../issuance/activate.js';
import { renewX509Svid } from '../issuance/renew.js';
import { spawnAgent } from '../issuance/spawn.js';
import { type HandlerDeps, unaryHandler } from './handler.js';
import { admitProvenCaller } from './proof-admission.js';
import { taskHandlers } from './task-handlers.js';
import { authorityBundleMessage, x509SvidMessage } from './wire.js';

const SERVICE = '/tessera.v1.SVIDService';

/** Spawn, Activate, RenewX509SVID (with a client certificate or a proof), and the task token and delegation RPCs: thin adapters over the issuance flows. */
export function svidHandlers(deps: HandlerDeps, ctx: IssuanceContext): SVIDServiceHandlers {
  return {
    Spawn: unaryHandler(deps, `${SERVICE}/Spawn`, async (req, peer) => {
      const spawned = await spawnAgent(ctx, peer!.id, {
        taskId: req.taskId, scopes: req.scopes, sponsor: req.sponsor, ttlMs: req.ttlSeconds * 1000,
      });
      return { spiffeId: spawned.spiffeId, ticket: spawned.ticket, ticketExpiresAtMs: spawned.ticketExpiresAtMs };
    }),
    Activate: unaryHandler(deps, `${SERVICE}/Activate`, async (req) => {
      const svid = await activateAgent(ctx, { ticket: req.ticket, csr: req.csr });
      return { svid: x509SvidMessage(svid), bundle: authorityBundleMessage(ctx.authority) };
    }),
    RenewX509SVID: unaryHandler(deps, `${SERVICE}/RenewX509SVID`, async (req, peer) => {
      const svid = await renewX509Svid(ctx, peer!, req.csr);
      return { svid: x509SvidMessage(svid), bundle: authorityBundleMessage(ctx.authority) };
    }),
    RenewX509SVIDWithProof: unaryHandler(deps, `${SERVICE}/RenewX509SVIDWithProof`, async (req) => {
      // The CSR's check starts with the proof's signature check, so both go to a CSR worker in one
      // message; its outcome counts (and is audited) only once the proof holds.
      let checking: Promise<CsrKey> | undefined;
      const caller = await admitProvenCaller(deps, `${SERVICE}/RenewX509SVIDWithProof`, req.proof, 'renewal', req.csr, () => {
        checking = ctx.csrs.check(req.csr);
        checking.catch(() => {});
      });
      const svid = await renewX509Svid(ctx, caller, req.csr, checking);
      return { svid: x509SvidMessage(svid), bundle: authorityBundleMessage(ctx.authority) };
    }),
    ...taskHandlers(deps, ctx),
  };
}
