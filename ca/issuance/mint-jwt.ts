import { TesseraError } from '../../agent-sdk/errors.js';
import type { StandardJwtSvidClaims } from '../../agent-sdk/jwt-svid.js';
import { isSpiffeId } from '../../agent-sdk/spiffe-id.js';
import { type IssuanceContext, checkAudited } from './context.js';
import { AUDIENCE } from './mint-token.js';
import { MINT_JWT_TTL } from './mint-ttl.js';
import { serviceIdOf } from './service-id.js';

/** The most audiences one token may name. */
export const MAX_MINT_JWT_AUDIENCES = 16;

/** A service's JWT-SVID as the CA hands it out. */
export interface MintedServiceJwtSvid {
  /** The compact JWS; a bearer secret: never logged or recorded. */
  readonly token: string;
  readonly expiresAtMs: number;
}

/**
 * `tessera jwt mint`: signs a standard JWT-SVID (JWT-SVID 3: `sub`, `aud`,
 * `exp`, `iat`, and the active JWT authority's `kid`) for a registered service
 * (`spiffe://<td>/service/<name>`, the same restriction as `x509 mint`). It is
 * not a task token: no task, orchestrator, sponsor, scope or `cnf`, so the
 * gateway and validateJwtSvid refuse it (ERR_NOT_TASK_TOKEN); a standard
 * validator with the trust bundle's JWT keys accepts it. The token is signed
 * first (jose is asynchronous) and handed out only once the audit record
 * (subject; never the token) is durable.
 *
 * @throws {TesseraError} ERR_SPIFFE_ID_INVALID (not a SPIFFE ID), ERR_PERMISSION_DENIED
 *   (not a service ID of this trust domain), ERR_INVALID_ARGUMENT (no audience, a bad
 *   or too many audiences, TTL out of range). Each is audited.
 */
export async function mintServiceJwtSvid(
  ctx: IssuanceContext, params: { spiffeId: string; audience: readonly string[]; ttlMs: number },
): Promise<MintedServiceJwtSvid> {
  // A denial names the ID asked for only when it is one: the audit log holds identifiers, not arbitrary input.
  const event = { operation: 'jwt.mint', ...(isSpiffeId(params.spiffeId) && { subject: params.spiffeId }) };
  const checked = await checkAudited(ctx.journal, event, () => {
    const id = serviceIdOf(ctx.authority.trustDomain, params.spiffeId);
    const audience = [...new Set(params.audience)];
    if (audience.length === 0 || audience.length > MAX_MINT_JWT_AUDIENCES) {
      throw new TesseraError('ERR_INVALID_ARGUMENT', `name from 1 to ${MAX_MINT_JWT_AUDIENCES} audiences`);
    }
    if (!audience.every((a) => typeof a === 'string' && AUDIENCE.test(a))) {
      throw new TesseraError('ERR_INVALID_ARGUMENT', 'an audience must be 1-512 printable ASCII characters without spaces');
    }
    const ttlMs = params.ttlMs || MINT_JWT_TTL.defaultMs;
    if (!Number.isSafeInteger(ttlMs) || ttlMs < MINT_JWT_TTL.minMs || ttlMs > MINT_JWT_TTL.maxMs) {
      throw new TesseraError('ERR_INVALID_ARGUMENT', `TTL must be from ${MINT_JWT_TTL.minMs / 1000} to ${MINT_JWT_TTL.maxMs / 1000} seconds`);
    }
    return { id, audience, ttlMs };
  });
  const iat = Math.floor(ctx.clock.now() / 1000);
  const claims = { sub: checked.id.toString(), aud: checked.audience, exp: iat + Math.floor(checked.ttlMs / 1000), iat } satisfies StandardJwtSvidClaims;
  const token = await ctx.authority.jwt.sign(claims);
  return ctx.journal.commit({
    read: [],
    audit: { ...event, subject: claims.sub },
    decide: () => ({ ops: [], result: { token, expiresAtMs: claims.exp * 1000 } }),
  });
}
