import type { ServerWritableStream, ServiceDefinition } from '@grpc/grpc-js';
import { TesseraError } from '../../agent-sdk/errors.js';
import type { RevocationServiceHandlers } from '../../agent-sdk/gen/tessera/v1/RevocationService.js';
import type { WatchRevocationsRequest__Output } from '../../agent-sdk/gen/tessera/v1/WatchRevocationsRequest.js';
import type { WatchRevocationsResponse } from '../../agent-sdk/gen/tessera/v1/WatchRevocationsResponse.js';
import type { WatchRevocationsWithProofRequest__Output } from '../../agent-sdk/gen/tessera/v1/WatchRevocationsWithProofRequest.js';
import type { WatchRevocationsWithProofResponse } from '../../agent-sdk/gen/tessera/v1/WatchRevocationsWithProofResponse.js';
import { tesseraProto } from '../../agent-sdk/proto.js';
import { type RevocationEntry, isAuthorityEntry } from '../../agent-sdk/revocation-list.js';
import { revocationEntryToWire } from '../../agent-sdk/revocation-wire.js';
import { describeId } from '../../agent-sdk/tessera-id.js';
import { fireAt } from '../../agent-sdk/tls-material.js';
import { type RevocationContext, revoke } from '../revocation/revoke.js';
import type { Peer } from './authz.js';
import { checkAudited } from '../issuance/context.js';
import { type IdentityRecord, decodeRecord, identityKey } from '../issuance/records.js';
import { assertNewestSvid } from '../issuance/renew.js';
import { type HandlerDeps, admitCall, unaryHandler } from './handler.js';
import { admitProvenCaller } from './proof-admission.js';
import { toStatus } from './status.js';

const SERVICE = '/tessera.v1.RevocationService';
/** How often an idle stream says "nothing new", so a client notices a dead connection. */
const HEARTBEAT_INTERVAL_MS = 5_000;
const CHUNK = 500;
// A client that stops reading is cut off (it resumes from its last sequence) rather than buffered for.
const MAX_BUFFERED_MESSAGES = 1_000;

type Watch = ServerWritableStream<WatchRevocationsRequest__Output, WatchRevocationsResponse>;
type ProvenWatch = ServerWritableStream<WatchRevocationsWithProofRequest__Output, WatchRevocationsWithProofResponse>;
/** A revocation watch asks for nothing but the stream: its proof signs an empty payload. */
const NO_PAYLOAD = new Uint8Array(0);

const WATCH = tesseraProto().tessera.v1.RevocationService.service.WatchRevocations;
const PROVEN_WATCH = tesseraProto().tessera.v1.RevocationService.service.WatchRevocationsWithProof;

/**
 * The RevocationService as the CA serves it: WatchRevocations' serializer
 * passes a Buffer through as an already encoded message, so one batch is
 * encoded once for every stream (see batchMessage below).
 */
export function revocationServiceDefinition(): ServiceDefinition {
  const { service } = tesseraProto().tessera.v1.RevocationService;
  const responseSerialize = (value: WatchRevocationsResponse | Buffer) => (Buffer.isBuffer(value) ? value : WATCH.responseSerialize(value));
  return { ...service, WatchRevocations: { ...WATCH, responseSerialize }, WatchRevocationsWithProof: { ...PROVEN_WATCH, responseSerialize } };
}

/**
 * WatchRevocations (over mTLS, or over the public listener with an SvidProof), ReleaseIdentity and
 * CompleteTask. `close()` ends every open stream and every one admitted after it, so the server can
 * shut down (it waits for running calls). At most
 * `limits.maxRevocationFollowers` streams are open, and
 * `limits.maxRevocationFollowersPerIdentity` per SPIFFE ID: beyond them a new
 * one is refused with ERR_LIMIT_EXCEEDED (audited once per burst; the SDK's
 * follower retries with backoff).
 */
export function revocationHandlers(deps: HandlerDeps, rctx: RevocationContext): { handlers: RevocationServiceHandlers; close(): void } {
  const open = new Set<() => void>();
  let closed = false;
  const perIdentity = new Map<string, number>();
  const count = (id: string, delta: number) => {
    const n = (perIdentity.get(id) ?? 0) + delta;
    if (n > 0) perIdentity.set(id, n);
    else perIdentity.delete(id);
  };
  /** Why one more stream for `caller` is refused, or undefined; synchronous, so no other stream can slip in before watch(). */
  const followerLimitHit = (caller: string): string | undefined => {
    const { maxRevocationFollowers, maxRevocationFollowersPerIdentity } = rctx.config.limits;
    if (open.size >= maxRevocationFollowers) return `the CA serves at most ${maxRevocationFollowers} revocation followers (limits.maxRevocationFollowers)`;
    if ((perIdentity.get(caller) ?? 0) >= maxRevocationFollowersPerIdentity) {
      return `at most ${maxRevocationFollowersPerIdentity} revocation followers per identity (limits.maxRevocationFollowersPerIdentity)`;
    }
    return undefined;
  };
  const refuseFollower = async (caller: string, why: string): Promise<never> => {
    const event = { operation: 'revocation.watch', caller };
    // A refused follower retries with backoff: audited per burst, like a rate limit.
    if (deps.limits) await deps.limits.bursts.refused(caller, event, 'ERR_LIMIT_EXCEEDED');
    else await deps.journal.record(event, 'denied', 'ERR_LIMIT_EXCEEDED');
    throw new TesseraError('ERR_LIMIT_EXCEEDED', why);
  };
  const { feed } = rctx;
  const message = (entries: readonly RevocationEntry[], extra: Partial<WatchRevocationsResponse> = {}): WatchRevocationsResponse => ({
    entries: entries.map(revocationEntryToWire), headSequence: feed.head, caughtUp: true, heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS, ...extra,
  });
  // The feed hands every stream the same batch: it is encoded once, not once per follower
  // (10k followers: ~45 ms of the CA's event loop); the served definition passes bytes through.
  // A batch with an authority entry gets a second encoding, once, for the clients that did not ask for them.
  let lastBatch: { entries: readonly RevocationEntry[]; encoded: Buffer; withoutAuthorities?: Buffer } | undefined;
  const batchMessage = (entries: readonly RevocationEntry[], authorityEntries: boolean): WatchRevocationsResponse => {
    if (lastBatch?.entries !== entries) lastBatch = { entries, encoded: WATCH.responseSerialize(message(entries)) };
    if (authorityEntries || !entries.some(isAuthorityEntry)) return lastBatch.encoded as unknown as WatchRevocationsResponse;
    lastBatch.withoutAuthorities ??= WATCH.responseSerialize(message(readableBy(entries, false)));
    return lastBatch.withoutAuthorities as unknown as WatchRevocationsResponse;
  };
  /**
   * Streams revocations to `peer` until it cancels, the CA closes, or its certificate
   * expires; `renewedUntil` (a stream opened with a proof) may then say how much
   * longer the caller's identity holds an SVID, and the stream lives on until then.
   */
  const watch = (call: Watch, peer: Peer, path: string, renewedUntil?: () => Promise<number | undefined>) => {
    // A stream admitted after close() (its admission was still being audited) would hold the stop.
    if (closed) {
      call.end();
      return;
    }
    // A client ahead of a replica has most likely heard from another one first: this replica
    // reads the database before it takes the client for one that saw another state (a reset
    // would make it forget revocations this replica has not read yet). Cannot read it: UNAVAILABLE,
    // and the client moves to the next replica with its list kept.
    if (call.request.afterSequence > feed.head && rctx.catchUpFeed) {
      rctx.catchUpFeed().then(
        () => (closed ? call.end() : follow(call, peer, renewedUntil)),
        (err: unknown) => {
          deps.log.warn({ err }, 'a revocation follower is ahead of this replica, which cannot read the database');
          call.emit('error', toStatus(new TesseraError('ERR_UNAVAILABLE', 'this replica cannot read the revocations database; try another'), deps.log, path));
        },
      );
      return;
    }
    follow(call, peer, renewedUntil);
  };
  const follow = (call: Watch, peer: Peer, renewedUntil?: () => Promise<number | undefined>) => {
    if (call.cancelled) return;
    let done = false;
    let counted = false;
    let unsubscribe = () => {};
    let heartbeat: NodeJS.Timeout | undefined;
    let cancelExpiry = () => {};
    const stop = () => {
      if (done) return;
      done = true;
      open.delete(stop);
      if (counted) count(peer.id.toString(), -1);
      unsubscribe();
      clearInterval(heartbeat);
      cancelExpiry();
      call.end();
    };
    const send = (m: WatchRevocationsResponse) => {
      if (done) return;
      call.write(m);
      if (call.writableLength > MAX_BUFFERED_MESSAGES) stop();
    };
    // A client still ahead of the CA (and of its database) saw another state (a replaced data directory): it starts over.
    const reset = call.request.afterSequence > feed.head;
    const { authorityEntries } = call.request;
    // Snapshot and subscription in one synchronous step: no entry falls between them.
    const initial = readableBy(feed.list.entriesAfter(reset ? 0 : call.request.afterSequence), authorityEntries);
    unsubscribe = feed.subscribe((entries) => send(batchMessage(entries, authorityEntries)));
    for (let i = 0; i === 0 || i < initial.length; i += CHUNK) {
      send(message(initial.slice(i, i + CHUNK), { caughtUp: i + CHUNK >= initial.length, reset: reset && i === 0 }));
    }
    heartbeat = setInterval(() => send(message([])), HEARTBEAT_INTERVAL_MS);
    // The stream lives no longer than the certificate it was opened with; the client reconnects with its next one.
    // One opened with a proof lives as long as its identity renews (see WatchRevocationsWithProof).
    const endAt = (atMs: number) => {
      cancelExpiry = fireAt(atMs, () => rctx.clock.now(), () => {
        if (!renewedUntil) return stop();
        renewedUntil().then((until) => (until !== undefined && until > rctx.clock.now() ? endAt(until) : stop()), stop);
      });
    };
    endAt(peer.fields.notAfterMs);
    if (done) return;
    open.add(stop);
    counted = true;
    count(peer.id.toString(), 1);
    call.on('cancelled', stop);
    call.on('close', stop);
  };
  /** Until when the identity's newest SVID is good, or undefined when it is gone or revoked. */
  const identityRenewedUntil = async (spiffeId: string): Promise<number | undefined> => {
    const identity = decodeRecord<IdentityRecord>(await rctx.store.get(identityKey(spiffeId)));
    return identity && !identity.revocation ? identity.expiresAtMs : undefined;
  };
  const handlers: RevocationServiceHandlers = {
    WatchRevocations: (call: Watch) => {
      admitCall(deps, `${SERVICE}/WatchRevocations`, call)
        .then(async (peer) => {
          const why = followerLimitHit(peer!.id.toString());
          if (why !== undefined) await refuseFollower(peer!.id.toString(), why);
          else if (!call.cancelled) watch(call, peer!, `${SERVICE}/WatchRevocations`);
        })
        .catch((err: unknown) => call.emit('error', toStatus(err, deps.log, `${SERVICE}/WatchRevocations`)));
    },
    WatchRevocationsWithProof: (call: ProvenWatch) => {
      const path = `${SERVICE}/WatchRevocationsWithProof`;
      admitCall(deps, path, call)
        .then(() => admitProvenCaller(deps, path, call.request.proof, 'revocationWatch', NO_PAYLOAD))
        .then(async (peer) => {
          // The newest SVID only, as for renewal: the record says which certificate that is.
          await checkAudited(rctx.journal, { operation: 'revocation.watch', caller: peer.id.toString() }, async () => {
            const identity = decodeRecord<IdentityRecord>(await rctx.store.get(identityKey(peer.id.toString())));
            // Not ERR_PERMISSION_DENIED, on which a follower gives up: one that opened just before
            // its SVID rotated reopens with the new one.
            if (identity?.serial !== peer.serialHex) throw new TesseraError('ERR_SVID_PROOF_INVALID', "the proof's SVID is not its identity's newest");
            assertNewestSvid(identity, peer);
          });
          const why = followerLimitHit(peer.id.toString());
          if (why !== undefined) await refuseFollower(peer.id.toString(), why);
          // The same stream: WatchRevocationsWithProofResponse has WatchRevocationsResponse's fields and numbers.
          // It follows the identity rather than the one certificate: each renewal proved the SVID before
          // it, so while the identity holds an unrevoked, unexpired SVID the stream goes on, and an agent
          // does not reopen it at every rotation.
          else if (!call.cancelled) watch(call as unknown as Watch, peer, path, () => identityRenewedUntil(peer.id.toString()));
        })
        .catch((err: unknown) => call.emit('error', toStatus(err, deps.log, path)));
    },
    ReleaseIdentity: unaryHandler(deps, `${SERVICE}/ReleaseIdentity`, async (_req, peer) => {
      const spiffeId = peer!.id.toString();
      // An agent takes its delegation subtree with it; an orchestrator's agents end with CompleteTask.
      const target = describeId(peer!.id)?.kind === 'agent' ? { kind: 'chain' as const, spiffeId } : { kind: 'agent' as const, spiffeId };
      const entries = await revoke(rctx, target, { cause: 'released', caller: spiffeId });
      return { entries: entries.map(revocationEntryToWire) };
    }),
    CompleteTask: unaryHandler(deps, `${SERVICE}/CompleteTask`, async (req, peer) => {
      const who = describeId(peer!.id);
      if (who?.kind !== 'orchestrator') throw new TesseraError('ERR_PERMISSION_DENIED', 'only an orchestrator completes its tasks');
      const entries = await revoke(rctx, { kind: 'task', orchestrator: who.orchestrator, task: req.taskId }, {
        cause: 'task_completed', caller: peer!.id.toString(),
      });
      return { entries: entries.map(revocationEntryToWire) };
    }),
  };
  return {
    handlers,
    close: () => {
      closed = true;
      for (const stop of [...open]) stop();
    },
  };
}

/**
 * The entries a client can read: one that did not ask for authority entries (an SDK built
 * before them) would refuse the whole stream for one, retry, and go stale, failing closed;
 * it learns of revoked authorities from the bundle stream (revoked_x509_authorities) instead.
 * Its head never passes the CA's, so it never takes the CA for one that lost its state.
 */
function readableBy(entries: readonly RevocationEntry[], authorityEntries: boolean): readonly RevocationEntry[] {
  return authorityEntries ? entries : entries.filter((e) => !isAuthorityEntry(e));
}
