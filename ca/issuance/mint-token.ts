import { randomBytes } from 'node:crypto';
import { TesseraError } from '../../agent-sdk/errors.js';
import { type JwtSvidClaims, MAX_JWT_SVID_TTL_MS, actClaim, certificateThumbprint } from '../../agent-sdk/jwt-svid.js';
import { parseScopes, scopesCover } from '../../agent-sdk/scope.js';
import type { Peer } from '../api/authz.js';
import { assertIdentityNotRevoked, assertNotRevoked, guardKeysOf } from '../revocation/records.js';
import { type IssuanceContext, checkAudited } from './context.js';
import { describedBy } from './position.js';
import { type IdentityRecord, decodeRecord, identityKey } from './records.js';

/** A service name, a SPIFFE ID or a URL: printable ASCII without spaces. */
export const AUDIENCE = /^[\x21-\x7e]{1,512}$/;

/** A task token as the CA hands it out. */
export interface MintedJwtSvid {
  readonly token: string;
  readonly spiffeId: string;
  readonly expiresAtMs: number;
}

/**
 * Flow 5: mints a task token (JWT-SVID) for the calling agent: one audience,
 * scopes covered by its task scopes, at most 5 minutes and never past the
 * certificate it presented on this connection, to which the token is bound
 * (`cnf` `x5t#S256`, RFC 8705). Its delegation chain goes into nested `act`
 * (RFC 8693). The token is signed first (jose is asynchronous) and handed out
 * only after a transaction has re-checked the identity and made the audit
 * record durable: sponsor, depth, chain hash and the jti (in `serial`), never
 * the token.
 *
 * @throws {TesseraError} ERR_INVALID_ARGUMENT (audience, TTL), ERR_SCOPE_INVALID,
 *   ERR_SCOPE_NOT_GRANTED, ERR_PERMISSION_DENIED (not an agent this CA knows),
 *   ERR_REVOKED, ERR_SVID_EXPIRED (the SVID ends within a second). Each is audited.
 */
export async function mintJwtSvid(
  ctx: IssuanceContext, caller: Peer, params: { audience: string; scopes: readonly string[]; ttlMs: number },
): Promise<MintedJwtSvid> {
  const spiffeId = caller.id.toString();
  const recordKey = identityKey(spiffeId);
  // The fields a token states (task, sponsor, scopes, chain) never change once
  // issued, so they can be read ahead: for the audit record of a refusal too,
  // and to sign the token before the transaction re-checks them.
  const known = decodeRecord<IdentityRecord>(await ctx.store.get(recordKey));
  const event = { operation: 'token.mint', caller: spiffeId, subject: spiffeId, ...describedBy(known) };
  const scopes = await checkAudited(ctx.journal, event, () => {
    if (typeof params.audience !== 'string' || !AUDIENCE.test(params.audience)) {
      throw new TesseraError('ERR_INVALID_ARGUMENT', 'audience must be 1-512 printable ASCII characters without spaces');
    }
    if (!Number.isSafeInteger(params.ttlMs) || params.ttlMs < 0) throw new TesseraError('ERR_INVALID_ARGUMENT', 'TTL must not be negative');
    return parseScopes(params.scopes);
  });
  const now = ctx.clock.now();
  const expMs = Math.min(now + (params.ttlMs || MAX_JWT_SVID_TTL_MS), now + MAX_JWT_SVID_TTL_MS, caller.fields.notAfterMs);
  const claims = known && !identityProblem(known, scopes) && {
    iss: `spiffe://${ctx.authority.trustDomain}`,
    sub: spiffeId,
    aud: params.audience,
    iat: Math.floor(now / 1000),
    exp: Math.floor(expMs / 1000),
    jti: randomBytes(16).toString('hex'),
    ...(scopes.length > 0 && { scope: scopes.join(' ') }),
    task: known.task!,
    orchestrator: known.orchestrator,
    sponsor: known.sponsor!,
    cnf: { 'x5t#S256': certificateThumbprint(caller.leaf) },
    ...(known.delegationChain?.length && { act: actClaim(known.delegationChain) }),
  } satisfies JwtSvidClaims;
  const token = claims ? await ctx.authority.jwt.sign(claims) : undefined;
  const revoked = guardKeysOf({ spiffeId, delegationChain: known?.delegationChain, serialHex: caller.serialHex });
  return ctx.journal.commit({
    read: [recordKey, ...revoked],
    audit: event,
    decide: (current) => {
      const identity = decodeRecord<IdentityRecord>(current.get(recordKey));
      if (!identity) throw new TesseraError('ERR_PERMISSION_DENIED', 'only an agent this CA issued may mint task tokens');
      assertNotRevoked(current, revoked);
      assertIdentityNotRevoked(identity);
      const problem = identityProblem(identity, scopes);
      if (problem) throw problem;
      if (!claims || !token || identity.sponsor !== claims.sponsor || identity.task !== claims.task) {
        throw new TesseraError('ERR_UNAVAILABLE', 'the identity changed while the token was signed; try again');
      }
      if (claims.exp <= claims.iat) throw new TesseraError('ERR_SVID_EXPIRED', 'the SVID on this connection expires within a second');
      return {
        ops: [],
        result: { token, spiffeId, expiresAtMs: claims.exp * 1000 },
        audit: { ...describedBy(identity), serial: claims.jti },
      };
    },
  });
}

/** Why `identity` may not have a token with `scopes`, or undefined when it may. */
function identityProblem(identity: IdentityRecord, scopes: readonly string[]): TesseraError | undefined {
  if (identity.kind !== 'agent' || identity.task === undefined || identity.sponsor === undefined) {
    return new TesseraError('ERR_PERMISSION_DENIED', 'only an agent may mint task tokens');
  }
  if (!scopesCover(identity.scopes, scopes)) return new TesseraError('ERR_SCOPE_NOT_GRANTED', 'a requested scope is not among the task scopes');
  return undefined;
}
