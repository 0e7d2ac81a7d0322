import { type X509Certificate, createPublicKey, verify } from 'node:crypto';
import { X509Bundle, type X509BundleSource } from './bundle.js';
import { isP256PublicKeyInfo, readCertificate } from './certificate.js';
import { LineageError, TesseraError } from './errors.js';
import {
  type DelegationHop, type Lineage, MAX_LINEAGE_DEPTH, decodeLineage, delegationSigningBytes, encodeLineage, lineageDigest,
  readLineageExtension,
} from './lineage.js';
import { scopesCover } from './scope.js';
import { SpiffeId } from './spiffe-id.js';
import { describeId } from './tessera-id.js';
import { type VerifiedX509Svid, spiffeIdFromCertificate, verifyX509Svid } from './verify.js';

/** A lineage that verified for its subject. */
export interface VerifiedLineage extends Lineage {
  /** The agent the lineage belongs to. */
  readonly subject: SpiffeId;
  /** How many delegations led to the subject: 0 for an agent its orchestrator spawned. */
  readonly depth: number;
  /** The subject's ancestors, the first agent first; its parent is the last. Empty at depth 0. */
  readonly delegationChain: readonly SpiffeId[];
  /** What the subject may do: the last hop's scopes, or the task's at depth 0. */
  readonly effectiveScopes: readonly string[];
  /** The subject's lifetime cap from its last hop (ms); undefined at depth 0. */
  readonly notAfterMs: number | undefined;
  /** lineageDigest, hex: the audit log's chainHash for this subject. */
  readonly chainHash: string;
}

/**
 * Checks a lineage on its own, offline: every hop is signed by the key it
 * names for its delegator over a record that links to the hop before it, the
 * hops form one unbroken chain from an agent of the lineage's task to
 * `subject`, depth counts up by one, scopes and lifetimes only narrow, and
 * times run forward. Synchronous (one ECDSA verification per hop).
 *
 * The keys in the hops are vouched for by the CA's signature over the
 * certificate that carries the lineage: use `verifyX509SvidLineage` (or an
 * authorizer after a verified handshake) unless that chain is already verified.
 *
 * @throws {LineageError} `ERR_LINEAGE_INVALID` naming the first rule that fails.
 * @example const { sponsor, depth } = verifyLineage(readLineageExtension(leafDer)!, peerId);
 */
export function verifyLineage(lineage: Lineage | Uint8Array, subject: SpiffeId | string, options: { maxDepth?: number } = {}): VerifiedLineage {
  // Always from the DER: the record fields checked are then exactly the ones the signatures cover.
  const l = decodeLineage(lineage instanceof Uint8Array ? lineage : encodeLineage(lineage));
  const id = typeof subject === 'string' ? parseId(subject, 'subject') : subject;
  const fail = (why: string): never => {
    throw new LineageError(`lineage of ${id} does not verify: ${why}`);
  };
  const maxDepth = Math.min(options.maxDepth ?? MAX_LINEAGE_DEPTH, MAX_LINEAGE_DEPTH);
  if (l.hops.length > maxDepth) fail(`depth ${l.hops.length} is above ${maxDepth}`);
  const inTask = (who: SpiffeId) => {
    const d = describeId(who);
    return d?.kind === 'agent' && d.orchestrator === l.orchestrator && d.task === l.task && who.trustDomain === id.trustDomain;
  };
  if (!inTask(id)) fail('the subject is not an agent of the lineage task');
  if (!scopesCover(l.scopes, l.scopes)) fail('the task scopes are not canonical');

  const chain: SpiffeId[] = [];
  let scopes = l.scopes;
  let notAfterMs: number | undefined;
  let delegatedAtMs = 0;
  for (const [i, hop] of l.hops.entries()) {
    const r = hop.record;
    const at = `hop ${i + 1}`;
    if (r.depth !== i + 1) fail(`${at} has depth ${r.depth}`);
    if (!r.previous.equals(lineageDigest({ ...l, hops: l.hops.slice(0, i) }))) fail(`${at} does not link to the lineage before it`);
    const delegator = parseId(r.delegator, `${at} delegator`);
    const delegate = parseId(r.delegate, `${at} delegate`);
    if (!inTask(delegator) || !inTask(delegate)) fail(`${at} leaves the lineage task`);
    if (i > 0 && r.delegator !== l.hops[i - 1]!.record.delegate) fail(`${at} is not delegated by the previous delegate`);
    if (delegate.equals(delegator) || chain.some((a) => a.equals(delegate))) fail(`${at} delegates back into the chain`);
    if (!scopesCover(scopes, r.scopes)) fail(`${at} widens the scopes`);
    if (notAfterMs !== undefined && r.notAfterMs > notAfterMs) fail(`${at} outlives its delegator`);
    if (r.delegatedAtMs < delegatedAtMs || r.delegatedAtMs >= r.notAfterMs) fail(`${at} has times out of order`);
    if (!signatureVerifies(hop)) fail(`${at} is not signed by its delegator's key`);
    chain.push(delegator);
    scopes = r.scopes;
    notAfterMs = r.notAfterMs;
    delegatedAtMs = r.delegatedAtMs;
  }
  const last = l.hops.at(-1);
  if (last && last.record.delegate !== id.toString()) fail('the last hop does not delegate to the subject');
  return {
    ...l, subject: id, depth: l.hops.length, delegationChain: chain, effectiveScopes: scopes, notAfterMs,
    chainHash: lineageDigest(l).toString('hex'),
  };
}

/**
 * Verifies an X509-SVID (its chain against the bundle of its own trust domain,
 * see verifyX509Svid) and then the lineage it carries, with the trust bundle
 * only (a bundle, or a source of bundles): the CA's signature covers the extension and with it the delegators'
 * keys; each hop's signature is checked with them. The leaf must not outlive
 * its last hop.
 *
 * @throws {SvidError} as verifyX509Svid; {LineageError} `ERR_LINEAGE_INVALID`
 *   when the lineage does not verify or the SVID has none.
 * @example const { lineage } = verifyX509SvidLineage(peerChain, source);
 */
export function verifyX509SvidLineage(
  chain: readonly Uint8Array[], bundles: X509Bundle | X509BundleSource, options: { nowMs?: number; maxDepth?: number } = {},
): { svid: VerifiedX509Svid; lineage: VerifiedLineage } {
  const source = bundles instanceof X509Bundle
    ? { getX509BundleForTrustDomain: (td: string) => (td === bundles.trustDomain ? bundles : undefined) }
    : bundles;
  const svid = verifyX509Svid(chain, source, options);
  return { svid, lineage: lineageFromVerifiedLeaf(chain[0]!, svid.id, options) };
}

/**
 * The verified lineage of a peer whose chain the transport already verified
 * (an Authorizer's `verifiedChain[0]`, a grpc-js peer leaf). Never call it on
 * a certificate whose chain was not verified: the CA's signature is what
 * vouches for the keys in the hops.
 *
 * @throws {LineageError} `ERR_LINEAGE_INVALID` when there is no lineage or it does not verify.
 * @example const lineage = lineageOfVerifiedPeer(verifiedChain[0]!);
 */
export function lineageOfVerifiedPeer(leaf: X509Certificate | Uint8Array, options: { maxDepth?: number } = {}): VerifiedLineage {
  const der = leaf instanceof Uint8Array ? leaf : leaf.raw;
  let id: SpiffeId;
  try {
    id = spiffeIdFromCertificate(der);
  } catch {
    throw new LineageError('the peer certificate holds no SPIFFE ID');
  }
  return lineageFromVerifiedLeaf(der, id, options);
}

function lineageFromVerifiedLeaf(der: Uint8Array, id: SpiffeId, options: { maxDepth?: number }): VerifiedLineage {
  const lineage = readLineageExtension(der);
  if (!lineage) throw new LineageError(`${id} carries no delegation lineage (not an agent SVID)`);
  const verified = verifyLineage(lineage, id, options);
  if (verified.notAfterMs !== undefined && readCertificate(der).notAfterMs > verified.notAfterMs) {
    throw new LineageError(`the SVID of ${id} outlives its lineage`);
  }
  return verified;
}

function signatureVerifies(hop: DelegationHop): boolean {
  if (!isP256PublicKeyInfo(hop.record.delegatorKey)) return false;
  try {
    const key = createPublicKey({ key: hop.record.delegatorKey, format: 'der', type: 'spki' });
    return verify('sha256', delegationSigningBytes(hop.recordDer), { key, dsaEncoding: 'der' }, hop.signature);
  } catch {
    return false;
  }
}

function parseId(value: string, what: string): SpiffeId {
  try {
    return SpiffeId.parse(value);
  } catch (err) {
    if (err instanceof TesseraError) throw new LineageError(`the lineage ${what} is not a SPIFFE ID`);
    throw err;
  }
}
