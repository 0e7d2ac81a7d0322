import type { X509Certificate } from 'node:crypto';
import type { AdminServiceHandlers } from '../../agent-sdk/gen/tessera/v1/AdminService.js';
import type { Store } from '../store/store.js';
import { verifyAudit } from '../audit/verify.js';
import { AUDIT_PREFIX, auditKey, parseRecord, prefixRange } from '../audit/record.js';
import { createJoinToken } from '../issuance/join-tokens.js';
import { mintServiceJwtSvid } from '../issuance/mint-jwt.js';
import { mintX509Svid } from '../issuance/mint-x509.js';
import { type HandlerDeps, unaryHandler } from './handler.js';
import { revocationAdminHandlers } from './revocation-admin.js';
import type { RevocationContext } from '../revocation/revoke.js';

const SERVICE = '/tessera.v1.AdminService';

/** The operator's API, served only on the admin Unix socket. */
export function adminHandlers(deps: HandlerDeps, rctx: RevocationContext, store: Store, roots: () => X509Certificate[]): AdminServiceHandlers {
  return {
    CreateJoinToken: unaryHandler(deps, `${SERVICE}/CreateJoinToken`, async (req) => {
      const created = await createJoinToken(rctx, { orchestrator: req.orchestrator, ttlMs: req.ttlSeconds * 1000 });
      return { token: created.token, spiffeId: created.spiffeId, expiresAtMs: created.expiresAtMs };
    }),
    ListAuditRecords: unaryHandler(deps, `${SERVICE}/ListAuditRecords`, async (req) => {
      const limit = Math.min(req.limit > 0 ? req.limit : 100, 1000);
      const records = [];
      for await (const [, value] of store.entries({ gte: auditKey(req.afterSequence + 1), lt: prefixRange(AUDIT_PREFIX).lt, limit })) {
        const r = parseRecord(value);
        records.push({
          sequence: r.seq, timeMs: r.timeMs, operation: r.operation, outcome: r.outcome, reason: r.reason ?? '',
          caller: r.caller ?? '', subject: r.subject ?? '', task: r.task ?? '', orchestrator: r.orchestrator ?? '',
          sponsor: r.sponsor ?? '', depth: r.depth ?? 0, chainHash: r.chainHash ?? '', serial: r.serial ?? '',
          attestor: r.attestor ?? '', prevHash: r.prevHash, hash: r.hash, address: r.address ?? '', count: r.count ?? 0,
        });
      }
      return { records };
    }),
    ...revocationAdminHandlers(deps, rctx),
    MintX509SVID: unaryHandler(deps, `${SERVICE}/MintX509SVID`, async (req) => {
      const svid = await mintX509Svid(rctx, { spiffeId: req.spiffeId, publicKey: req.publicKey, ttlMs: req.ttlSeconds * 1000 });
      return { certificates: svid.certificates, serial: svid.serialHex, expiresAtMs: svid.notAfterMs };
    }),
    MintJWTSVID: unaryHandler(deps, `${SERVICE}/MintJWTSVID`, async (req) => {
      const minted = await mintServiceJwtSvid(rctx, { spiffeId: req.spiffeId, audience: req.audience, ttlMs: req.ttlSeconds * 1000 });
      return { token: minted.token, expiresAtMs: minted.expiresAtMs };
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
