/**
 * The per-request decision, after the handshake verified the agent's SVID:
 * the peer is not revoked (now, not only at the handshake), the task token in
 * `Authorization: Bearer` verifies for the gateway's audience, is bound to the
 * certificate of this very connection and covers every scope the routes need,
 * and the agent's delegation lineage meets the routes' conditions.
 */
import type { TLSSocket } from 'node:tls';
import type { Clock } from '../agent-sdk/clock.js';
import type { JwtBundleSource } from '../agent-sdk/jwt-bundle.js';
import { scopesCover } from '../agent-sdk/scope.js';
import { PeerError, TesseraError, TokenError } from '../agent-sdk/errors.js';
import type { RevocationList } from '../agent-sdk/revocation-list.js';
import { describeId } from '../agent-sdk/tessera-id.js';
import { peerId } from '../agent-sdk/tls.js';
import { revocationSubjectOf } from '../agent-sdk/tls-material.js';
import { validateJwtSvid } from '../agent-sdk/validate-jwt-svid.js';
import { type VerifiedLineage, lineageOfVerifiedPeer } from '../agent-sdk/verify-lineage.js';
import type { SpiffeId } from '../agent-sdk/spiffe-id.js';
import type { RouteConfig } from './config.js';
import type { AgentIdentity } from './forward.js';
import type { VerifiedTokens } from './verified-tokens.js';

/** What the gateway knows of a connection's agent, read once per connection. */
export interface Peer {
  readonly id: SpiffeId;
  readonly leafDer: Buffer;
  readonly identity: AgentIdentity;
  /** The verified lineage, or why it did not verify (only routes with lineage conditions care). */
  readonly lineage: VerifiedLineage | TesseraError;
  readonly chainHash?: string;
}

const peers = new WeakMap<TLSSocket, Peer>();

/**
 * The agent on a connection the hooked mTLS server accepted.
 *
 * @throws {PeerError} `ERR_PEER_UNAUTHENTICATED` when the socket has no verified peer.
 */
export function peerOf(socket: TLSSocket): Peer {
  let peer = peers.get(socket);
  if (peer) return peer;
  const id = peerId(socket);
  const leafDer = socket.getPeerCertificate().raw;
  let lineage: VerifiedLineage | TesseraError;
  try {
    // The handshake verified this leaf's chain, which vouches for the keys in its lineage.
    lineage = lineageOfVerifiedPeer(leafDer);
  } catch (err) {
    lineage = err instanceof TesseraError ? err : new TesseraError('ERR_LINEAGE_INVALID', 'the lineage does not verify');
  }
  const described = describeId(id);
  const identity: AgentIdentity = lineage instanceof TesseraError
    ? { id: id.toString(), ...(described?.kind === 'agent' && { task: described.task, orchestrator: described.orchestrator }) }
    : { id: id.toString(), task: lineage.task, orchestrator: lineage.orchestrator, sponsor: lineage.sponsor, depth: lineage.depth };
  peer = { id, leafDer, identity, lineage, ...(!(lineage instanceof TesseraError) && { chainHash: lineage.chainHash }) };
  peers.set(socket, peer);
  return peer;
}

/**
 * Decides one request for `routes`. Resolves when it is allowed.
 *
 * @throws {TesseraError} ERR_REVOKED, ERR_REVOCATION_STALE, ERR_TOKEN_INVALID,
 *   ERR_TOKEN_EXPIRED, ERR_TOKEN_BINDING, ERR_SCOPE_NOT_GRANTED,
 *   ERR_LINEAGE_INVALID, ERR_DELEGATION_DENIED, ERR_PEER_UNAUTHORIZED.
 */
export async function authorizeRequest(params: {
  peer: Peer; authorization: string | undefined; routes: readonly RouteConfig[];
  audience: string; bundle: JwtBundleSource; revocations: RevocationList | undefined; verified: VerifiedTokens; clock: Clock;
}): Promise<void> {
  const { peer, routes, bundle, verified, clock } = params;
  params.revocations?.check(revocationSubjectOf(peer.id, peer.leafDer));
  const compact = bearerToken(params.authorization);
  const requiredScopes = [...new Set(routes.flatMap((r) => (r.scope === undefined ? [] : [r.scope])))];
  const known = verified.get(compact, peer.leafDer, bundle, clock);
  if (known) {
    // Verified before, for this audience and this very certificate: what can change per request is checked again.
    if (!scopesCover(known.scopes, requiredScopes)) throw new TokenError('ERR_SCOPE_NOT_GRANTED', 'task token refused: it lacks a required scope');
    if (params.revocations?.isTokenRevoked(known)) throw new TokenError('ERR_REVOKED', 'task token refused: revoked');
  } else {
    const token = await validateJwtSvid(compact, { bundle, audience: params.audience, requiredScopes, peerCertificate: peer.leafDer, clock });
    verified.remember(token, peer.leafDer, bundle);
  }
  for (const route of routes) if (route.lineage) checkLineage(peer, route.lineage);
}

function checkLineage(peer: Peer, conditions: NonNullable<RouteConfig['lineage']>): void {
  if (peer.lineage instanceof TesseraError) throw new TesseraError('ERR_LINEAGE_INVALID', 'the agent has no lineage that verifies');
  if (conditions.maxDepth !== undefined && peer.lineage.depth > conditions.maxDepth) {
    throw new TesseraError('ERR_DELEGATION_DENIED', `the agent is delegated ${peer.lineage.depth} deep, the route allows ${conditions.maxDepth}`);
  }
  if (conditions.sponsor !== undefined && peer.lineage.sponsor !== conditions.sponsor) {
    throw new PeerError('ERR_PEER_UNAUTHORIZED', 'the agent does not act for the sponsor this route requires');
  }
}

function bearerToken(authorization: string | undefined): string {
  const match = /^Bearer ([A-Za-z0-9._-]+)$/.exec(authorization ?? '');
  if (!match) throw new TokenError('ERR_TOKEN_INVALID', 'task token refused: no Authorization: Bearer token');
  return match[1]!;
}
