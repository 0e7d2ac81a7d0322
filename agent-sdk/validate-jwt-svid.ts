import { timingSafeEqual } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type * as grpc from '@grpc/grpc-js';
import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { type Clock, systemClock } from './clock.js';
import { TesseraError, TokenError } from './errors.js';
import { peerIdFromCall } from './grpc.js';
import { JwtBundle, type JwtBundleSource } from './jwt-bundle.js';
import { JWT_SVID_ALGORITHM, type JwtSvid, type JwtSvidClaims, MAX_JWT_SVID_TTL_MS, type StandardJwtSvidClaims, certificateThumbprint, chainFromAct } from './jwt-svid.js';
import { MAX_LINEAGE_DEPTH } from './lineage.js';
import { revocationsOf } from './revocation-list.js';
import { withoutRevokedJwtKeys } from './revoked-authority.js';
import { isScope, parseScopes, scopesCover } from './scope.js';
import { SpiffeId } from './spiffe-id.js';
import { peerId } from './tls.js';
import { spiffeIdFromCertificate } from './verify.js';

/** What a service checks a presented task token against. */
export interface JwtSvidValidationOptions {
  /** Where the JWT keys of the token's trust domain come from (an X509Source, a JwtBundle). */
  readonly bundle: JwtBundleSource | JwtBundle;
  /** This service's audience value; the token's `aud` must be exactly [audience]. */
  readonly audience: string;
  /** Scopes the token must cover (scopesCover); none by default. */
  readonly requiredScopes?: readonly string[];
  /**
   * The DER of the peer's certificate on the connection the token arrived on
   * (see peerCertificateOf / peerCertificateFromCall). The token is accepted
   * only when its `cnf` `x5t#S256` is this certificate's thumbprint.
   */
  readonly peerCertificate: Uint8Array;
  readonly clock?: Clock;
  /** Clock skew allowed on `exp` and `iat`, default 5 s, at most 60 s. */
  readonly leewayMs?: number;
  /**
   * Called last, with the verified token; returning true refuses it with ERR_REVOKED. Default: the
   * revocation list `bundle` carries when it is an X509Source (`isTokenRevoked`, which also throws
   * ERR_REVOCATION_STALE while the list is stale and fails closed).
   */
  readonly isRevoked?: (token: JwtSvid) => boolean;
}

const MAX_TOKEN_LENGTH = 8192;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const HEADER_PARAMETERS = new Set(['alg', 'kid', 'typ']);
const DEFAULT_LEEWAY_MS = 5_000;

/**
 * Validates a task token presented on a connection: first as a JWT-SVID
 * (verifyJwtSvidClaims: ES256 only, a `kid` from the JWT bundle of the trust
 * domain of its `sub`, `aud` naming this service, `exp`), then as a task token:
 * a `task` claim (a service's JWT-SVID from `tessera jwt mint` has none and is
 * refused with ERR_NOT_TASK_TOKEN), `iss` the trust domain, exactly one
 * audience, `iat` and `exp` at most 5 minutes apart, the binding to the peer
 * certificate of this connection (RFC 8705: `cnf` `x5t#S256`, and `sub` is that
 * certificate's SPIFFE ID), the required scopes, then `isRevoked`. Uses jose for the JWS.
 *
 * @throws {TokenError} `ERR_TOKEN_INVALID` (malformed, bad signature, unknown
 *   kid or trust domain, wrong audience), `ERR_TOKEN_EXPIRED`, `ERR_NOT_TASK_TOKEN`,
 *   `ERR_TOKEN_BINDING` (issued for another certificate), `ERR_SCOPE_NOT_GRANTED`,
 *   `ERR_REVOKED`; {TesseraError} `ERR_SCOPE_INVALID` / `ERR_INVALID_ARGUMENT` for bad options.
 * @example
 * const token = await validateJwtSvid(bearer, {
 *   bundle: source, audience: 'spiffe://tessera.local/service/search',
 *   requiredScopes: ['search:query'], peerCertificate: peerCertificateOf(socket),
 * });
 */
export async function validateJwtSvid(token: string, options: JwtSvidValidationOptions): Promise<JwtSvid> {
  const required = parseScopes(options.requiredScopes ?? []);
  const verified = await verifyJwtSvidClaims(token, options);
  const { subject, claims, audience, scopes, chain } = taskTokenOf(verified);

  // RFC 8705 3: the token is good only on a connection whose peer certificate it names.
  const thumbprint = claims.cnf?.['x5t#S256'];
  if (typeof thumbprint !== 'string' || !sameText(thumbprint, certificateThumbprint(options.peerCertificate))) {
    throw new TokenError('ERR_TOKEN_BINDING', 'task token refused: it is bound to another certificate than the peer presented');
  }
  if (!peerSubject(options.peerCertificate)?.equals(subject)) {
    throw new TokenError('ERR_TOKEN_BINDING', 'task token refused: its subject is not the peer');
  }
  if (!scopesCover(scopes, required)) throw new TokenError('ERR_SCOPE_NOT_GRANTED', 'task token refused: it lacks a required scope');

  const result: JwtSvid = {
    token, id: subject, audience, expiresAtMs: claims.exp * 1000, issuedAtMs: claims.iat * 1000, jti: claims.jti, scopes,
    task: claims.task, orchestrator: claims.orchestrator, sponsor: claims.sponsor, delegationChain: chain, claims,
  };
  // Flow 7: by default the revocation list the bundle source follows (an X509Source has one).
  const isRevoked = options.isRevoked ?? revocationsOf(options.bundle)?.isTokenRevoked;
  if (isRevoked?.(result)) throw new TokenError('ERR_REVOKED', 'task token refused: revoked');
  return result;
}

/** A JWT-SVID that verified, as verifyJwtSvidClaims returns it. */
export interface VerifiedJwtSvid {
  readonly subject: SpiffeId;
  /** Every claim of the token; the standard ones checked, the rest as signed. */
  readonly claims: StandardJwtSvidClaims & Readonly<Record<string, unknown>>;
  readonly audience: readonly string[];
}

/**
 * Checks a JWT-SVID the way any JWT-SVID validator does (JWT-SVID 3, 7): ES256
 * only (`none`, HMAC and everything else are refused before any key is looked
 * at), only alg, kid and typ in the header, a `kid` from the JWT bundle of the
 * trust domain of its `sub`, `aud` containing `audience`, `exp` and (when
 * present) `iat` with a small leeway. Accepts a service's JWT-SVID from
 * `tessera jwt mint` as well as a task token, and checks nothing Tessera adds:
 * what the Workload API's ValidateJWTSVID does. A caller that needs a task
 * token uses validateJwtSvid, which also checks the binding, scopes and revocation.
 *
 * @throws {TokenError} ERR_TOKEN_INVALID, ERR_TOKEN_EXPIRED; {TesseraError} ERR_INVALID_ARGUMENT for bad options.
 * @example const { subject, claims } = await verifyJwtSvidClaims(token, { bundle: source, audience });
 */
export async function verifyJwtSvidClaims(
  token: string, options: Pick<JwtSvidValidationOptions, 'bundle' | 'audience' | 'clock' | 'leewayMs'>,
): Promise<VerifiedJwtSvid> {
  const clock = options.clock ?? systemClock;
  const leewayMs = options.leewayMs ?? DEFAULT_LEEWAY_MS;
  if (!Number.isFinite(leewayMs) || leewayMs < 0 || leewayMs > 60_000) throw new TesseraError('ERR_INVALID_ARGUMENT', 'leewayMs must be 0-60000');
  if (typeof options.audience !== 'string' || options.audience === '') throw new TesseraError('ERR_INVALID_ARGUMENT', 'audience is required');
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) invalid('not a compact JWS');

  const { header, unverified } = decodeUnverified(token);
  // JWT-SVID 2: only alg, kid and typ; decided before any key is chosen, so `none` and HS256 never reach a verifier.
  if (Object.keys(header).some((p) => !HEADER_PARAMETERS.has(p))) invalid('unexpected JOSE header parameter');
  if (header.alg !== JWT_SVID_ALGORITHM) invalid(`algorithm ${String(header.alg)} is not allowed`);
  // JWT-SVID 2.3: typ is optional; when set it is JWT or JOSE.
  if (header.typ !== undefined && header.typ !== 'JWT' && header.typ !== 'JOSE') invalid('typ must be JWT or JOSE');
  if (typeof header.kid !== 'string') invalid('no kid');
  const subject = typeof unverified.sub === 'string' ? parseSubject(unverified.sub) : invalid('no sub');
  // The JWT keys the revocation feed revoked are gone too, though the bundle may still list them.
  const found = jwtBundleFor(options.bundle, subject.trustDomain);
  const bundle = found && withoutRevokedJwtKeys(found, revocationsOf(options.bundle));
  if (!bundle) invalid(`no JWT bundle for trust domain ${subject.trustDomain}`);
  const key = bundle!.findKey(header.kid as string);
  if (!key) invalid('unknown kid');

  let claims: VerifiedJwtSvid['claims'];
  try {
    const verified = await jwtVerify(token, key!, {
      algorithms: [JWT_SVID_ALGORITHM],
      audience: options.audience,
      currentDate: new Date(clock.now()),
      clockTolerance: Math.ceil(leewayMs / 1000),
      requiredClaims: ['sub', 'aud', 'exp'],
    });
    claims = verified.payload as unknown as VerifiedJwtSvid['claims'];
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_JWT_EXPIRED') throw new TokenError('ERR_TOKEN_EXPIRED', 'JWT-SVID refused: expired');
    const claim = (err as { claim?: string }).claim;
    return invalid(claim ? `the ${claim} claim does not fit` : 'signature or format does not verify');
  }
  if (claims.iat !== undefined && claims.iat * 1000 > clock.now() + leewayMs) invalid('the iat claim is in the future');
  return { subject, claims, audience: typeof claims.aud === 'string' ? [claims.aud] : claims.aud };
}

/** The task token claims of a verified JWT-SVID (see validateJwtSvid). */
function taskTokenOf({ subject, claims: verified, audience }: VerifiedJwtSvid) {
  // What makes a task token is its task; a service's JWT-SVID is not one, however well it verifies.
  if (verified.task === undefined) {
    throw new TokenError('ERR_NOT_TASK_TOKEN', 'token refused: a JWT-SVID without a task claim (a service\'s, from tessera jwt mint) is not a task token; present a task token');
  }
  const claims = verified as unknown as JwtSvidClaims;
  if (claims.iss !== `spiffe://${subject.trustDomain}`) invalid('the iss claim does not fit');
  // JWT-SVID 6.2: one audience only, so a token for two services cannot be replayed from one to the other.
  if (audience.length !== 1) invalid('more than one audience');
  if (typeof claims.iat !== 'number') invalid('no iat');
  if ((claims.exp - claims.iat) * 1000 > MAX_JWT_SVID_TTL_MS) invalid('lifetime above 5 minutes');
  if (typeof claims.jti !== 'string' || claims.jti === '') invalid('no jti');
  for (const name of ['task', 'orchestrator', 'sponsor'] as const) if (typeof claims[name] !== 'string') invalid(`no ${name}`);
  const scopes = claims.scope === undefined ? [] : typeof claims.scope === 'string' ? claims.scope.split(' ') : invalid('scope is not a string');
  if (!scopes.every(isScope)) invalid('a scope is not canonical');
  const chain = chainFromAct(claims.act, MAX_LINEAGE_DEPTH)?.map((s) => parseSubject(s)) ?? invalid('malformed act');
  return { subject, claims, audience, scopes, chain };
}

function invalid(why: string): never {
  throw new TokenError('ERR_TOKEN_INVALID', `token refused: ${why}`);
}

/**
 * The DER of the peer certificate on a connection accepted by a hooked mTLS
 * server or opened by connectMtls: what a token presented on it must be bound to.
 *
 * @throws {PeerError} `ERR_PEER_UNAUTHENTICATED` when the socket has no verified peer.
 * @example validateJwtSvid(token, { ..., peerCertificate: peerCertificateOf(socket) })
 */
export function peerCertificateOf(socket: TLSSocket): Buffer {
  peerId(socket); // only a verified peer
  return socket.getPeerCertificate().raw;
}

/**
 * The DER of the client certificate of a gRPC call on a server using
 * mtlsServerCredentials.
 *
 * @throws {PeerError} `ERR_PEER_UNAUTHENTICATED` when the call has no verified peer.
 * @example validateJwtSvid(token, { ..., peerCertificate: peerCertificateFromCall(call) })
 */
export function peerCertificateFromCall(call: Pick<grpc.ServerUnaryCall<unknown, unknown>, 'metadata' | 'getAuthContext'>): Buffer {
  peerIdFromCall(call); // only a verified peer
  const raw = call.getAuthContext().sslPeerCertificate?.raw;
  if (!raw) throw new TokenError('ERR_TOKEN_BINDING', 'the call has no peer certificate');
  return raw;
}

function decodeUnverified(token: string) {
  try {
    return { header: decodeProtectedHeader(token) as Record<string, unknown>, unverified: decodeJwt(token) };
  } catch {
    return invalid('header or payload is not JSON');
  }
}

function parseSubject(value: string): SpiffeId {
  try {
    return SpiffeId.parse(value);
  } catch {
    return invalid('a subject is not a SPIFFE ID');
  }
}

function jwtBundleFor(bundle: JwtBundleSource | JwtBundle, trustDomain: string): JwtBundle | undefined {
  if (bundle instanceof JwtBundle) return bundle.trustDomain === trustDomain ? bundle : undefined;
  return bundle.getJwtBundleForTrustDomain(trustDomain);
}

function peerSubject(der: Uint8Array): SpiffeId | undefined {
  try {
    return spiffeIdFromCertificate(der);
  } catch {
    return undefined;
  }
}

function sameText(a: string, b: string): boolean {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
}
