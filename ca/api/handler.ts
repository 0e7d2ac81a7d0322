import type { handleUnaryCall, sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import { TesseraError } from '../../agent-sdk/errors.js';
import type { Clock } from '../../agent-sdk/clock.js';
import type { Journal } from '../audit/journal.js';
import type { Logger } from '../log.js';
import type { RevocationList } from '../../agent-sdk/revocation-list.js';
import { revocationSubjectOf } from '../../agent-sdk/tls-material.js';
import { METHOD_RULES, type Peer, authorizeCall, presentedIdForAudit } from './authz.js';
import { toStatus } from './status.js';

/** What every handler wrapper needs. */
export interface HandlerDeps {
  readonly trustDomain: string;
  readonly journal: Journal;
  readonly clock: Clock;
  readonly log: Logger;
  /** The CA's committed revocations: a revoked caller is refused on the mTLS listener before any flow runs. */
  readonly revocations?: RevocationList;
}

/**
 * Authorizes a call per METHOD_RULES (and refuses a revoked caller, ERR_REVOKED)
 * and audits a refusal. Returns the authenticated peer for mTLS methods.
 */
export async function admitCall(
  deps: HandlerDeps, path: string, call: Pick<ServerUnaryCall<unknown, unknown>, 'getAuthContext'>,
): Promise<Peer | undefined> {
  try {
    const peer = authorizeCall(path, call, deps.trustDomain, deps.clock.now());
    // The same check validators make: the ID, the certificate, the task, and the lineage's ancestors.
    if (peer) deps.revocations?.check(revocationSubjectOf(peer.id, peer.leaf));
    return peer;
  } catch (err) {
    if (err instanceof TesseraError) {
      const event = { operation: METHOD_RULES[path]?.operation ?? 'unknown', caller: presentedIdForAudit(path, call) };
      await deps.journal.record(event, 'denied', err.code);
    }
    throw err;
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
