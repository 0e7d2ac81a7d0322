import type { handleUnaryCall, sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import { TesseraError } from '../../agent-sdk/errors.js';
import type { Clock } from '../../agent-sdk/clock.js';
import type { SpiffeId } from '../../agent-sdk/spiffe-id.js';
import type { Journal } from '../audit/journal.js';
import type { Logger } from '../log.js';
import type { RevocationList } from '../../agent-sdk/revocation-list.js';
import { revocationSubjectOf } from '../../agent-sdk/tls-material.js';
import type { X509Bundle } from '../../agent-sdk/bundle.js';
import { checkLeafIssuer } from '../../agent-sdk/revoked-authority.js';
import type { CsrChecker } from '../authority/csr-checker.js';
import type { CallLimits } from '../limits/call-limits.js';
import type { RateClass } from '../config.js';
import { addressKeyOf } from '../limits/peer-address.js';
import { METHOD_RULES, type Peer, authorizeCall, presentedIdForAudit } from './authz.js';
import { requireDecoded } from './request-decode.js';
import { toStatus } from './status.js';

/** What every handler wrapper needs. */
export interface HandlerDeps {
  readonly trustDomain: string;
  readonly journal: Journal;
  readonly clock: Clock;
  readonly log: Logger;
  /** The CA's committed revocations: a revoked caller is refused on the mTLS listener before any flow runs. */
  readonly revocations?: RevocationList;
  /** The rate limits (METHOD_RULES `rateLimit`) and the per-burst audit of limit refusals; none means no rate limits. */
  readonly limits?: CallLimits;
  /** The trust bundle: a caller whose SVID a revoked intermediate signed is refused on the mTLS listener. */
  readonly bundle?: () => X509Bundle;
  /** Where an SVID proof's signature is verified: the CSR workers (CsrChecker); none means on this thread. */
  readonly signatures?: Pick<CsrChecker, 'verifySignature'>;
}

type AdmittedCall = Pick<ServerUnaryCall<unknown, unknown>, 'getAuthContext' | 'getPeer'> & { readonly request?: unknown };

/**
 * Authorizes a call per METHOD_RULES, takes it from its rate limit (per caller
 * SPIFFE ID, or per remote address on the public listener), refuses a revoked
 * caller, and audits a refusal: a rate-limit refusal once per burst (see
 * ca/limits/burst-audit.ts), any other once per call. Returns the
 * authenticated peer for mTLS methods.
 *
 * @throws {TesseraError} ERR_RATE_LIMITED, ERR_REVOKED, authorizeCall's refusals, or
 * the refusal of a request that did not decode (see request-decode.ts).
 */
export async function admitCall(deps: HandlerDeps, path: string, call: AdmittedCall): Promise<Peer | undefined> {
  try {
    const peer = authorizeCall(path, call, deps.trustDomain, deps.clock.now());
    // Before the revocation check, so that a revoked caller's flood is limited (and audited per burst) too.
    await limitCall(deps, path, call, peer);
    // A unary or server-streaming call's one message; the attestation stream checks each of its own.
    if ('request' in call) requireDecoded(call.request);
    if (peer) checkPresentedSvid(deps, peer);
    return peer;
  } catch (err) {
    // A rate-limit refusal was audited per burst by the limiter.
    if (err instanceof TesseraError && err.code !== 'ERR_RATE_LIMITED') {
      const event = { operation: METHOD_RULES[path]?.operation ?? 'unknown', caller: presentedIdForAudit(path, call) };
      await deps.journal.record(event, 'denied', err.code);
    }
    throw err;
  }
}

/**
 * What the CA checks of an SVID a caller presents, beyond its chain: the check
 * validators make (the ID, the certificate, the task, and the lineage's
 * ancestors against the revocation list) and a revoked intermediate as its signer.
 * For the mTLS listener's callers and the SVID in a renewal proof.
 *
 * @throws {PeerError} ERR_REVOKED.
 */
export function checkPresentedSvid(deps: HandlerDeps, { id, leaf, fields }: Peer): void {
  deps.revocations?.check(revocationSubjectOf(id, leaf, fields));
  if (deps.bundle) checkLeafIssuer(deps.bundle(), leaf);
}

/**
 * Takes a call from `rateClass`'s limit of an authenticated caller, keyed by its
 * SPIFFE ID; a refusal is audited once per burst.
 *
 * @throws {TesseraError} ERR_RATE_LIMITED.
 */
export async function limitProvenCaller(deps: HandlerDeps, rateClass: RateClass, operation: string, id: SpiffeId): Promise<void> {
  const caller = id.toString();
  await deps.limits?.admit(rateClass, caller, { operation, caller });
}

async function limitCall(deps: HandlerDeps, path: string, call: AdmittedCall, peer: Peer | undefined): Promise<void> {
  const rule = METHOD_RULES[path];
  // A 'proof' caller counts against its SPIFFE ID once proved (admitProvenCaller).
  if (!deps.limits || !rule?.rateLimit || rule.caller === 'proof') return;
  if (peer) {
    await limitProvenCaller(deps, rule.rateLimit, rule.operation, peer.id);
  } else {
    const address = addressKeyOf(call.getPeer());
    await deps.limits.admit(rule.rateLimit, address, { operation: rule.operation, address });
  }
}

/**
 * Adapts a plain async function to a grpc-js unary handler: authorization
 * first, then the function, and every failure through the one status mapping.
 */
export function unaryHandler<Req, Res>(
  deps: HandlerDeps, path: string, fn: (request: Req, peer: Peer | undefined) => Promise<Res>,
): handleUnaryCall<Req, Res> {
  return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => {
    admitCall(deps, path, call)
      .then((peer) => fn(call.request, peer))
      .then((response) => callback(null, response), (err: unknown) => callback(toStatus(err, deps.log, path)));
  };
}
