import type { X509Certificate } from 'node:crypto';
import { PeerError, TesseraError } from './errors.js';
import { SpiffeId, parsePathSegment, parseTrustDomain } from './spiffe-id.js';

/**
 * Decides whether an authenticated peer may proceed. It runs only after the
 * peer's chain verified as an X509-SVID, with the peer's SPIFFE ID and the
 * verified chain (leaf first). It allows by returning and denies by throwing a
 * PeerError `ERR_PEER_UNAUTHORIZED`; as a guard against a hand-written
 * `(id) => id.path === '/x'` that returns false, a return value of `false` also
 * denies (see `authorizePeer`).
 *
 * @example
 * const onlyOrchestrators: Authorizer = (id) => {
 *   if (id.segments[0] !== 'orchestrator') throw new PeerError('ERR_PEER_UNAUTHORIZED', `${id} is not an orchestrator`);
 * };
 */
export type Authorizer = (id: SpiffeId, verifiedChain: readonly X509Certificate[]) => void;

/**
 * Allows any peer with a valid X509-SVID from a trusted trust domain.
 *
 * @example mtlsClientOptions(source, source, authorizeAny())
 */
export function authorizeAny(): Authorizer {
  return () => {};
}

/**
 * Allows exactly one SPIFFE ID.
 *
 * @throws {SpiffeIdError} `ERR_SPIFFE_ID_INVALID` when given a string that is not a SPIFFE ID.
 * @example authorizeId('spiffe://tessera.local/service/search')
 */
export function authorizeId(id: SpiffeId | string): Authorizer {
  const allowed = toId(id);
  return (peer) => {
    if (!peer.equals(allowed)) deny(`${peer} is not ${allowed}`);
  };
}

/**
 * Allows any of the given SPIFFE IDs.
 *
 * @throws {SpiffeIdError} `ERR_SPIFFE_ID_INVALID` for a string that is not a SPIFFE ID.
 * @example authorizeOneOf(orchestratorId(td, 'orch-a'), orchestratorId(td, 'orch-b'))
 */
export function authorizeOneOf(...ids: (SpiffeId | string)[]): Authorizer {
  const allowed = new Set(ids.map((id) => toId(id).toString()));
  return (peer) => {
    if (!allowed.has(peer.toString())) deny(`${peer} is not one of the allowed IDs`);
  };
}

/**
 * Allows any SPIFFE ID in the given trust domain.
 *
 * @throws {SpiffeIdError} `ERR_SPIFFE_ID_INVALID` for a bad trust domain name.
 * @example authorizeMemberOf('tessera.local')
 */
export function authorizeMemberOf(trustDomain: string): Authorizer {
  const td = parseTrustDomain(trustDomain);
  return (peer) => {
    if (!peer.memberOf(td)) deny(`${peer} is not a member of ${td}`);
  };
}

/**
 * Allows SPIFFE IDs that match a pattern segment by segment: each pattern segment
 * is either literal or `*`, which matches exactly one whole segment. The number of
 * segments must be equal, so `spiffe://td/agent/orch-a/*` matches neither
 * `.../orch-ab/t1` nor `.../orch-a/t1/i1`. The trust domain is always literal.
 *
 * @throws {TesseraError} `ERR_INVALID_ARGUMENT` when the pattern is not a SPIFFE ID
 *   in canonical form with some segments replaced by `*` (checked here, once, so a
 *   typo fails at start-up rather than denying or allowing at run time).
 * @example authorizeMatch('spiffe://tessera.local/agent/orch-a/*\/*')
 */
export function authorizeMatch(pattern: string): Authorizer {
  const { trustDomain, segments } = parsePattern(pattern);
  return (peer) => {
    const got = peer.segments;
    const matches =
      peer.trustDomain === trustDomain && got.length === segments.length && segments.every((want, i) => want === '*' || want === got[i]);
    if (!matches) deny(`${peer} does not match ${pattern}`);
  };
}

/**
 * Runs an authorizer and normalises its outcome: a thrown PeerError passes
 * through, any other throw or a `false` return becomes a PeerError
 * `ERR_PEER_UNAUTHORIZED` (fail closed: a buggy authorizer never allows).
 *
 * @throws {PeerError} `ERR_PEER_UNAUTHORIZED` (or the code the authorizer chose).
 * @example authorizePeer(authorizeMemberOf(td), id, verifiedChain)
 */
export function authorizePeer(authorizer: Authorizer, id: SpiffeId, verifiedChain: readonly X509Certificate[]): void {
  let result: unknown;
  try {
    result = authorizer(id, verifiedChain);
  } catch (err) {
    if (err instanceof PeerError) throw err;
    throw new PeerError('ERR_PEER_UNAUTHORIZED', `authorizer refused ${id}`);
  }
  if (result === false) throw new PeerError('ERR_PEER_UNAUTHORIZED', `authorizer refused ${id}`);
}

function deny(message: string): never {
  throw new PeerError('ERR_PEER_UNAUTHORIZED', message);
}

function toId(id: SpiffeId | string): SpiffeId {
  return typeof id === 'string' ? SpiffeId.parse(id) : id;
}

const SCHEME = 'spiffe://';

function parsePattern(pattern: string): { trustDomain: string; segments: string[] } {
  const invalid = (why: string) => new TesseraError('ERR_INVALID_ARGUMENT', `SPIFFE ID pattern ${JSON.stringify(pattern)} ${why}`);
  if (typeof pattern !== 'string' || !pattern.startsWith(SCHEME)) throw invalid('must start with "spiffe://"');
  const rest = pattern.slice(SCHEME.length);
  const slash = rest.indexOf('/');
  const trustDomain = slash === -1 ? rest : rest.slice(0, slash);
  const segments = slash === -1 ? [] : rest.slice(slash + 1).split('/');
  try {
    parseTrustDomain(trustDomain);
    for (const s of segments) if (s !== '*') parsePathSegment(s);
  } catch (err) {
    throw invalid(`is not valid: ${(err as Error).message}`);
  }
  return { trustDomain, segments };
}
