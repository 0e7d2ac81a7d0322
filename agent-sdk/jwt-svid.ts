/**
 * Task tokens: JWT-SVIDs (SPIFFE JWT-SVID) that say what an agent may do for
 * one audience, bound to the agent's certificate (RFC 8705) and carrying its
 * delegation chain (RFC 8693 `act`). This module holds the claim shapes and
 * the helpers the CA (minting) and validators share.
 */
import { createHash } from 'node:crypto';
import type { SpiffeId } from './spiffe-id.js';

/** The longest a task token lives (DESIGN flow 5); validators refuse longer ones too. */
export const MAX_JWT_SVID_TTL_MS = 5 * 60_000;
/** The only signature algorithm Tessera signs and accepts. */
export const JWT_SVID_ALGORITHM = 'ES256';

/** RFC 8693 4.1: an actor, and the actor before it. */
export interface ActClaim {
  readonly sub: string;
  readonly act?: ActClaim;
}

/**
 * The claims of any JWT-SVID (JWT-SVID 3): what a standard validator checks, and
 * all that `tessera jwt mint` puts in a service's token. Other claims may follow.
 */
export interface StandardJwtSvidClaims {
  /** The subject's SPIFFE ID (JWT-SVID 3.1). */
  readonly sub: string;
  /** One or more audiences (JWT-SVID 3.2). */
  readonly aud: string | readonly string[];
  /** Seconds since the Unix epoch (JWT-SVID 3.3). */
  readonly exp: number;
  readonly iat?: number;
}

/**
 * The claims of a Tessera task token: a JWT-SVID whose `task` claim makes it one.
 * A JWT-SVID without it (a service's, from `tessera jwt mint`) is never a task token.
 */
export interface JwtSvidClaims extends StandardJwtSvidClaims {
  /** `spiffe://<trust domain>`. */
  readonly iss: string;
  /** The agent's SPIFFE ID (JWT-SVID 3.1). */
  readonly sub: string;
  /** Exactly one audience (JWT-SVID 6.2). */
  readonly aud: string | readonly string[];
  readonly iat: number;
  /** Unique per token; what revocation names. */
  readonly jti: string;
  /** Space-separated canonical scopes (RFC 8693 4.2); absent when the token carries none. */
  readonly scope?: string;
  readonly task: string;
  readonly orchestrator: string;
  readonly sponsor: string;
  /** RFC 8705 3.1: the SHA-256 thumbprint of the certificate the token is bound to. */
  readonly cnf: { readonly 'x5t#S256': string };
  /** The delegators, nearest first (see actClaim); absent at depth 0. */
  readonly act?: ActClaim;
}

/** A task token and what it says, as fetched or validated. */
export interface JwtSvid {
  /** The compact JWS; a bearer secret: never log it. */
  readonly token: string;
  readonly id: SpiffeId;
  readonly audience: readonly string[];
  readonly expiresAtMs: number;
  readonly issuedAtMs: number;
  readonly jti: string;
  readonly scopes: readonly string[];
  readonly task: string;
  readonly orchestrator: string;
  readonly sponsor: string;
  /** The agent's ancestors, the first agent first; its parent is the last. */
  readonly delegationChain: readonly SpiffeId[];
  readonly claims: JwtSvidClaims;
}

/**
 * RFC 8705 3.1 `x5t#S256`: the base64url (unpadded) SHA-256 of a certificate's DER.
 *
 * @example certificateThumbprint(socket.getPeerCertificate().raw)
 */
export function certificateThumbprint(certificateDer: Uint8Array): string {
  return createHash('sha256').update(certificateDer).digest('base64url');
}

/**
 * The nested `act` claim for a delegation chain given first agent first: the
 * outermost actor is the agent's parent, its `act` the grandparent, and so on
 * to the first agent the orchestrator spawned. Undefined for an empty chain.
 *
 * @example actClaim([a, b]) // { sub: b, act: { sub: a } }
 */
export function actClaim(delegationChain: readonly string[]): ActClaim | undefined {
  let act: ActClaim | undefined;
  for (const sub of delegationChain) act = act ? { sub, act } : { sub };
  return act;
}

/**
 * The delegation chain (first agent first) an `act` claim names, or undefined
 * when it is malformed or deeper than `maxDepth`. Never throws.
 *
 * @example chainFromAct({ sub: b, act: { sub: a } }) // [a, b]
 */
export function chainFromAct(act: unknown, maxDepth: number): string[] | undefined {
  const chain: string[] = [];
  for (let node = act; node !== undefined; ) {
    if (typeof node !== 'object' || node === null || Array.isArray(node) || chain.length >= maxDepth) return undefined;
    const { sub, act: next, ...rest } = node as { sub?: unknown; act?: unknown };
    if (typeof sub !== 'string' || Object.keys(rest).length > 0) return undefined;
    chain.unshift(sub);
    node = next;
  }
  return chain;
}
