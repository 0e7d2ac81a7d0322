import type { X509Certificate } from 'node:crypto';
import type { AdminServiceHandlers } from '../../agent-sdk/gen/tessera/v1/AdminService.js';
import type { Store } from '../store/store.js';
import { verifyAudit } from '../audit/verify.js';
import type { IssuanceContext } from '../issuance/context.js';
import { createJoinToken } from '../issuance/join-tokens.js';
import { type HandlerDeps, unaryHandler } from './handler.js';

const SERVICE = '/tessera.v1.AdminService';

/** The operator's API, served only on the admin Unix socket. */
export function adminHandlers(deps: HandlerDeps, ctx: IssuanceContext, store: Store, roots: () => X509Certificate[]): AdminServiceHandlers {
  return {
    CreateJoinToken: unaryHandler(deps, `${SERVICE}/CreateJoinToken`, async (req) => {
      const created = await createJoinToken(ctx, { orchestrator: req.orchestrator, ttlMs: req.ttlSeconds * 1000 });
      return { token: created.token, spiffeId: created.spiffeId, expiresAtMs: created.expiresAtMs };
    }),
    VerifyAudit: unaryHandler(deps, `${SERVICE}/VerifyAudit`, async () => {
      const result = await verifyAudit(store, { roots: roots() });
      return {
        ok: result.ok,
        records: result.records,
        checkpoints: result.checkpoints,
        firstBadSequence: result.firstBadSequence ?? 0,
        reason: result.reason ?? '',
      };
    }),
  };
}
