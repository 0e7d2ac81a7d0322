/**
 * Flow 7: revocation at four levels (a credential, an identity, a task, a
 * delegation subtree) and flow 8: release at task end. Each revocation is one
 * journal transaction: the entry, its index keys, the marks on the identities
 * it ends and its audit record are made durable together, and only then is the
 * entry published to the WatchRevocations streams.
 */
import { TesseraError } from '../../agent-sdk/errors.js';
import { MAX_JWT_SVID_TTL_MS } from '../../agent-sdk/jwt-svid.js';
import type { RevocationCause, RevocationKind } from '../../agent-sdk/revocation-list.js';
import { SpiffeId, parsePathSegment } from '../../agent-sdk/spiffe-id.js';
import { describeId } from '../../agent-sdk/tessera-id.js';
import type { AuditEvent } from '../audit/record.js';
import { prefixRange } from '../audit/record.js';
import type { IssuanceContext } from '../issuance/context.js';
import { checkAudited } from '../issuance/context.js';
import { type IdentityRecord, type SerialRecord, decodeRecord, encodeRecord, identityKey, serialKey, taskKey } from '../issuance/records.js';
import type { RevocationFeed } from './feed.js';
import {
  REVOCATION_HEAD_KEY, type IdentityRevocation, type StoredRevocation,
  checkJti, normalizeSerial, revocationOps, revokedKey, sanitizeReason,
} from './records.js';

/** What the revocation flows work with. */
export interface RevocationContext extends IssuanceContext {
  readonly feed: RevocationFeed;
  /** Replicas: reads what the others committed into `feed` now; rejects when the database cannot be read. */
  readonly catchUpFeed?: () => Promise<void>;
}

/** What to revoke. */
export type RevokeTarget =
  | { readonly kind: 'serial'; readonly serial: string }
  | { readonly kind: 'jti'; readonly jti: string }
  | { readonly kind: 'agent'; readonly spiffeId: string }
  | { readonly kind: 'task'; readonly orchestrator: string; readonly task: string }
  | { readonly kind: 'chain'; readonly spiffeId: string };

/** Who asked, and why. */
export interface RevokeOptions {
  readonly cause: RevocationCause;
  /** Operator text; sanitised and bounded (sanitizeReason), stored with the entry, never propagated. */
  readonly reason?: string;
  /** The caller's SPIFFE ID for release and task completion; none for the operator. */
  readonly caller?: string;
}

/** An identity record with the lineage fields delegation adds (absent for agents an orchestrator spawned). */
type Identity = IdentityRecord & {
  readonly parent?: string;
  readonly depth?: number;
  readonly delegationChain?: readonly string[];
  readonly revocation?: IdentityRevocation;
};

const OPERATION: Record<RevocationCause, (kind: RevocationKind) => string> = {
  operator: (kind) => `revoke.${kind}`,
  released: () => 'release',
  task_completed: () => 'task.complete',
};

/**
 * Revokes `target`, durably and audited, and publishes the entries. Returns the
 * entries committed: none when the target was already revoked, two when a
 * subtree or task gained a member while the first was being committed.
 *
 * @throws {TesseraError} ERR_INVALID_ARGUMENT / ERR_SPIFFE_ID_INVALID for a
 * malformed target or reason, ERR_NOT_FOUND for a serial or identity this CA
 * never issued or (for an operator) a task it never spawned an agent for; each is audited.
 * @example await revoke(rctx, { kind: 'agent', spiffeId }, { cause: 'operator', reason: 'key leaked' });
 */
export async function revoke(rctx: RevocationContext, target: RevokeTarget, options: RevokeOptions): Promise<StoredRevocation[]> {
  const event: AuditEvent = { operation: OPERATION[options.cause](target.kind), ...(options.caller && { caller: options.caller }) };
  const reason = await checkAudited(rctx.journal, event, () => sanitizeReason(options.reason));
  const params = { rctx, event, cause: options.cause, reason };
  switch (target.kind) {
    case 'serial':
      return revokeSerial(params, target.serial);
    case 'jti': {
      const jti = await checkAudited(rctx.journal, event, () => checkJti(target.jti));
      return commitEntry(params, {
        read: [revokedKey.jti(jti)],
        // As token.mint records it: the jti in the serial field.
        audit: { serial: jti },
        // Tokens are not stored; one minted up to now lives at most MAX_JWT_SVID_TTL_MS.
        plan: (current, now) => (current.get(revokedKey.jti(jti)) ? undefined : { kind: 'jti', target: jti, expiresAtMs: now + MAX_JWT_SVID_TTL_MS }),
      });
    }
    case 'agent':
      return revokeIdentity(params, target.spiffeId);
    case 'task':
      // An operator is told a task never existed; an orchestrator may complete one of its own in advance.
      return revokeSet(params, 'task', await checkAudited(rctx.journal, event, () => taskTarget(rctx, target.orchestrator, target.task, options.cause === 'operator')));
    case 'chain':
      return revokeSet(params, 'chain', await checkAudited(rctx.journal, event, () => chainTarget(rctx, target.spiffeId)));
  }
}

interface Params {
  readonly rctx: RevocationContext;
  readonly event: AuditEvent;
  readonly cause: RevocationCause;
  readonly reason: string | undefined;
}

/** What an entry will be, decided inside the transaction; undefined when already revoked. */
interface Plan {
  readonly kind: RevocationKind;
  readonly target: string;
  readonly coveredIds?: readonly string[];
  readonly expiresAtMs: number;
  /** Identity records to mark as ended by this entry. */
  readonly identities?: ReadonlyArray<readonly [string, Identity]>;
  readonly audit?: Partial<AuditEvent>;
}

type View = ReadonlyMap<string, Uint8Array | undefined>;

/**
 * One revocation transaction: the next sequence number, the entry, its index
 * keys (each pointing at the entry that covers it longest), the identity marks
 * and the audit record, in one synced batch; then the entry is published.
 */
async function commitEntry(params: Params, spec: {
  read: readonly string[];
  /** What the audit record names whatever the outcome (the target, once it parsed). */
  audit?: Partial<AuditEvent>;
  plan(current: View, now: number): Plan | undefined;
}): Promise<StoredRevocation[]> {
  const { rctx, event, cause, reason } = params;
  const entry = await rctx.journal.commit<StoredRevocation | undefined>({
    read: [REVOCATION_HEAD_KEY, ...spec.read],
    audit: { ...event, ...spec.audit },
    decide: (current) => {
      const now = rctx.clock.now();
      const plan = spec.plan(current, now);
      if (!plan) return { ops: [], result: undefined };
      const { entry, ops } = revocationOps(current, {
        kind: plan.kind, target: plan.target, coveredIds: [...(plan.coveredIds ?? [])],
        revokedAtMs: now, expiresAtMs: plan.expiresAtMs, cause, ...(reason !== undefined && { reason }),
      });
      const mark: IdentityRevocation = { sequence: entry.sequence, atMs: now, cause, ...(reason !== undefined && { reason }) };
      for (const [key, identity] of plan.identities ?? []) {
        if (!identity.revocation) ops.push({ type: 'put', key, value: encodeRecord({ ...identity, revocation: mark }) });
      }
      return { ops, result: entry, audit: plan.audit };
    },
  });
  if (!entry) return [];
  rctx.feed.publish([entry]);
  return [entry];
}

async function revokeSerial(params: Params, serial: string): Promise<StoredRevocation[]> {
  const { rctx, event } = params;
  const hex = await checkAudited(rctx.journal, event, () => normalizeSerial(serial));
  // The serial's owner never changes once written, so it may be read ahead of the transaction.
  const owner = decodeRecord<SerialRecord>(await rctx.store.get(serialKey(hex)));
  const ownerKey = owner && identityKey(owner.spiffeId);
  return commitEntry(params, {
    read: [serialKey(hex), revokedKey.serial(hex), ...(ownerKey ? [ownerKey] : [])],
    audit: { serial: hex },
    plan: (current) => {
      const record = decodeRecord<SerialRecord>(current.get(serialKey(hex)));
      if (!record) throw new TesseraError('ERR_NOT_FOUND', 'this CA issued no certificate with that serial');
      if (current.get(revokedKey.serial(hex))) return undefined;
      const identity = ownerKey ? decodeRecord<Identity>(current.get(ownerKey)) : undefined;
      // Only the newest SVID may renew: revoking it ends the identity as well.
      const ends = identity?.serial === hex ? [[ownerKey!, identity] as const] : [];
      return { kind: 'serial', target: hex, expiresAtMs: record.notAfterMs, identities: ends, audit: { serial: hex, subject: record.spiffeId, ...lineageAudit(identity) } };
    },
  });
}

async function revokeIdentity(params: Params, spiffeId: string): Promise<StoredRevocation[]> {
  const { rctx, event } = params;
  const id = await checkAudited(rctx.journal, event, () => issuedId(rctx, spiffeId, ['agent', 'orchestrator']));
  const key = identityKey(id);
  return commitEntry(params, {
    read: [key, revokedKey.id(id)],
    audit: { subject: id },
    plan: (current, now) => {
      const identity = decodeRecord<Identity>(current.get(key));
      if (!identity) throw new TesseraError('ERR_NOT_FOUND', 'this CA issued no SVID to that identity');
      if (current.get(revokedKey.id(id))) return undefined;
      // An orchestrator's entry also refuses the tickets it issued (activation checks it): it outlives them.
      const ticketsMs = identity.kind === 'orchestrator' ? rctx.config.ttl.spawnTicketMs : 0;
      return {
        kind: 'agent', target: id, expiresAtMs: Math.max(identity.expiresAtMs, now) + ticketsMs, identities: [[key, identity]],
        audit: { subject: id, ...lineageAudit(identity) },
      };
    },
  });
}

/** A task or a subtree: everything it covers is found by a scan, before and after the commit. */
interface SetTarget {
  readonly target: string;
  readonly guardKey: string;
  /** The root identity of a subtree, or the task's first-spawn mark; refused as not found when absent and nothing is covered. */
  readonly rootKey?: string;
  /** Why it is not found. */
  readonly missing?: string;
  readonly audit: Partial<AuditEvent>;
  scan(): Promise<Identity[]>;
}

/**
 * Revokes every member of a task or subtree. Once the entry is committed no
 * new member can appear (spawn, delegation and activation check its index key
 * in their transactions), so a second scan after the commit is complete: a
 * member that activated while the first entry was being committed gets a
 * supplementary entry.
 */
async function revokeSet(params: Params, kind: 'task' | 'chain', set: SetTarget): Promise<StoredRevocation[]> {
  const { rctx } = params;
  const spawnWindowMs = rctx.config.ttl.spawnTicketMs;
  const plan = (members: Identity[], supplement: boolean) => (current: View, now: number): Plan | undefined => {
    // A subtree needs its root; a task needs a spawn (tasks from before the mark existed have members).
    if (set.rootKey && !current.get(set.rootKey) && (kind === 'chain' || members.length === 0)) {
      throw new TesseraError('ERR_NOT_FOUND', set.missing ?? 'this CA issued no SVID to that identity');
    }
    if (!supplement && current.get(set.guardKey)) return undefined;
    // Fresh copies, in this transaction's order: a renewal just before moves an expiry.
    const fresh = members.map((m) => [identityKey(m.spiffeId), decodeRecord<Identity>(current.get(identityKey(m.spiffeId))) ?? m] as const);
    const latest = Math.max(now, ...fresh.map(([, m]) => m.expiresAtMs));
    return {
      kind, target: set.target, coveredIds: kind === 'chain' ? fresh.map(([, m]) => m.spiffeId) : [],
      // A ticket issued before the entry may still be redeemed for a while: the entry outlives it, refusing it.
      expiresAtMs: supplement ? latest : Math.max(latest, now + spawnWindowMs),
      identities: fresh, audit: set.audit,
    };
  };
  const readFor = (members: Identity[]) => [
    set.guardKey, ...(set.rootKey ? [set.rootKey] : []),
    ...members.flatMap((m) => [identityKey(m.spiffeId), revokedKey.id(m.spiffeId)]),
  ];
  const before = await set.scan();
  const committed = await commitEntry(params, { read: readFor(before), audit: set.audit, plan: plan(before, false) });
  const first = committed[0];
  if (!first) return [];
  const covered = new Set(first.coveredIds);
  const after = await set.scan();
  const missed = after.filter((m) => (kind === 'chain' && !covered.has(m.spiffeId)) || m.expiresAtMs > first.expiresAtMs);
  if (missed.length === 0) return committed;
  return [...committed, ...(await commitEntry(params, { read: readFor(missed), audit: set.audit, plan: plan(missed, true) }))];
}

function taskTarget(rctx: RevocationContext, orchestrator: string, task: string, mustExist: boolean): SetTarget {
  const o = parsePathSegment(orchestrator);
  const t = parsePathSegment(task);
  const prefix = identityKey(`spiffe://${rctx.authority.trustDomain}/agent/${o}/${t}/`);
  return {
    target: `${o}/${t}`, guardKey: revokedKey.task(o, t), audit: { orchestrator: o, task: t },
    ...(mustExist && { rootKey: taskKey(o, t), missing: `orchestrator ${o} never spawned an agent for task ${t}` }),
    scan: () => scanIdentities(rctx, prefix, () => true),
  };
}

function chainTarget(rctx: RevocationContext, spiffeId: string): SetTarget {
  const root = issuedId(rctx, spiffeId, ['agent']);
  const who = describeId(SpiffeId.parse(root));
  return {
    target: root, guardKey: revokedKey.chain(root), rootKey: identityKey(root),
    audit: { subject: root, ...(who?.kind === 'agent' && { orchestrator: who.orchestrator, task: who.task }) },
    // The root itself and every identity whose delegation chain contains it.
    scan: () => scanIdentities(rctx, identityKey(`spiffe://${rctx.authority.trustDomain}/agent/`), (m) => m.spiffeId === root || (m.delegationChain ?? []).includes(root)),
  };
}

async function scanIdentities(rctx: RevocationContext, prefix: string, keep: (identity: Identity) => boolean): Promise<Identity[]> {
  const found: Identity[] = [];
  for await (const [, value] of rctx.store.entries(prefixRange(prefix))) {
    const identity = decodeRecord<Identity>(value)!;
    if (keep(identity)) found.push(identity);
  }
  return found;
}

/** A canonical SPIFFE ID of this trust domain naming an identity of one of `kinds`. */
function issuedId(rctx: RevocationContext, spiffeId: string, kinds: readonly string[]): string {
  const id = SpiffeId.parse(spiffeId);
  const kind = describeId(id)?.kind;
  if (!id.memberOf(rctx.authority.trustDomain) || !kind || !kinds.includes(kind)) {
    throw new TesseraError('ERR_INVALID_ARGUMENT', `not ${kinds.join(' or ')} SPIFFE ID of this trust domain`);
  }
  return id.toString();
}

function lineageAudit(identity: Identity | undefined): Partial<AuditEvent> {
  if (!identity) return {};
  return {
    orchestrator: identity.orchestrator,
    ...(identity.task !== undefined && { task: identity.task }),
    ...(identity.sponsor !== undefined && { sponsor: identity.sponsor }),
    ...(identity.depth !== undefined && { depth: identity.depth }),
  };
}
