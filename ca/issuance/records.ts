import { type ErrorCode, TesseraError } from '../../agent-sdk/errors.js';
import type { IdentityRevocation } from '../revocation/records.js';
import type { StoreOp } from '../store/store.js';

// The CA's state records. Secrets (spawn tickets, join tokens) are stored only as
// their SHA-256; a used one is kept as a tombstone until it expires so a second
// use is reported as such and not as unknown.

export const ticketKey = (ticketHash: string) => `ticket/${ticketHash}`;
export const joinTokenKey = (tokenHash: string) => `join_token/${tokenHash}`;
export const identityKey = (spiffeId: string) => `identity/${spiffeId}`;
export const serialKey = (serialHex: string) => `serial/${serialHex}`;
export const delegationKey = (delegationId: string) => `delegation/${delegationId}`;
/** Written by the first spawn of a task, so revoking a task can tell one that never existed. */
export const taskKey = (orchestrator: string, task: string) => `task/${orchestrator}/${task}`;

/** Where an agent sits in its delegation tree: the same fields on tickets and identities. */
export interface DelegationPosition {
  /** The delegator's SPIFFE ID; absent for an agent its orchestrator spawned (and for orchestrators). */
  readonly parent?: string;
  /** How many delegations led to the agent: 0 for an agent its orchestrator spawned (and for orchestrators). */
  readonly depth: number;
  /** The SPIFFE IDs of the agent's ancestors, the first agent first, the parent last; [] at depth 0. */
  readonly delegationChain: readonly string[];
  /** The agent's delegation lineage (agent-sdk/lineage.ts), DER in base64, embedded in each of its SVIDs. */
  readonly lineage?: string;
  /** A delegated agent's lifetime cap (its last hop's notAfter, ms): no SVID of it outlives this. */
  readonly lifetimeEndsAtMs?: number;
}

/** A spawn ticket: the identity it activates and the task it belongs to. */
export interface TicketRecord extends DelegationPosition {
  readonly spiffeId: string;
  readonly orchestrator: string;
  readonly task: string;
  readonly sponsor: string;
  readonly scopes: readonly string[];
  readonly ttlMs: number;
  readonly expiresAtMs: number;
  readonly usedAtMs?: number;
}

/** The refusals of one kind of one-time secret, and its name in their messages. */
export interface OneTimeRefusals {
  readonly name: string;
  readonly unknown: ErrorCode;
  readonly used: ErrorCode;
  readonly expired: ErrorCode;
}

export const TICKET_REFUSALS: OneTimeRefusals = { name: 'spawn ticket', unknown: 'ERR_TICKET_INVALID', used: 'ERR_TICKET_USED', expired: 'ERR_TICKET_EXPIRED' };
export const JOIN_TOKEN_REFUSALS: OneTimeRefusals = {
  name: 'join token', unknown: 'ERR_JOIN_TOKEN_INVALID', used: 'ERR_JOIN_TOKEN_USED', expired: 'ERR_JOIN_TOKEN_EXPIRED',
};

/**
 * Uses up a one-time secret's record inside a transaction: returns it marked
 * used at `nowMs`, to be written in the same batch.
 *
 * @throws {TesseraError} `refusals`' code when the record is missing, already used or expired.
 */
export function spendOneTime<R extends { readonly expiresAtMs: number; readonly usedAtMs?: number }>(
  record: R | undefined, nowMs: number, refusals: OneTimeRefusals,
): R {
  if (!record) throw new TesseraError(refusals.unknown, `${refusals.name} is not known`);
  if (record.usedAtMs !== undefined) throw new TesseraError(refusals.used, `${refusals.name} was already used`);
  if (record.expiresAtMs <= nowMs) throw new TesseraError(refusals.expired, `${refusals.name} has expired`);
  return { ...record, usedAtMs: nowMs };
}

/**
 * The op that writes a spent one-time secret's record: a compare-and-set
 * against the bytes it was read as, so the store itself refuses a second
 * spend, also from another CA replica.
 */
export function spentRecordOp(key: string, before: Uint8Array | undefined, spent: object): Extract<StoreOp, { type: 'put' }> {
  return { type: 'put', key, value: encodeRecord(spent), expected: before ?? null };
}

/** A join token: which orchestrator it attests. */
export interface JoinTokenRecord {
  readonly orchestrator: string;
  readonly expiresAtMs: number;
  readonly usedAtMs?: number;
}

/** One identity the CA has issued SVIDs for, agent instance or orchestrator. */
export interface IdentityRecord extends DelegationPosition {
  readonly spiffeId: string;
  readonly kind: 'agent' | 'orchestrator';
  readonly orchestrator: string;
  readonly task?: string;
  readonly sponsor?: string;
  readonly scopes: readonly string[];
  /** The SVID lifetime this identity gets at each issuance. */
  readonly ttlMs: number;
  readonly firstIssuedAtMs: number;
  readonly renewals: number;
  /** The newest SVID's serial: only that SVID may renew the identity. */
  readonly serial: string;
  /**
   * SHA-256 (base64url) of the newest SVID's leaf certificate: an SVID proof
   * (ca/api/proof-admission.ts) must carry exactly that certificate. Absent on records
   * written before proofs existed; such an identity renews over mutual TLS once.
   */
  readonly certificateSha256?: string;
  readonly expiresAtMs: number;
  /** Set by the revocation that ended this identity (revocation, release or task completion); never cleared. */
  readonly revocation?: IdentityRevocation;
}

/**
 * A delegation between its two calls (flow 6): the record the delegator must
 * sign, and what the sub-agent's ticket will say. Works once, until expiresAtMs.
 */
export interface PendingDelegationRecord {
  /** The delegator's SPIFFE ID: only it may complete the delegation. */
  readonly delegator: string;
  /** The delegator's own ancestors, first agent first. */
  readonly delegatorChain: readonly string[];
  /** The delegator's lineage, DER in base64: the sub-agent's lineage is it plus the signed record. */
  readonly delegatorLineage: string;
  /** The DER DelegationRecord to sign, base64. */
  readonly record: string;
  readonly ticket: Omit<TicketRecord, 'expiresAtMs' | 'usedAtMs' | 'lineage'>;
  readonly expiresAtMs: number;
  readonly usedAtMs?: number;
}

/** Which identity a certificate serial belongs to, for revocation by serial. */
export interface SerialRecord {
  readonly spiffeId: string;
  readonly notAfterMs: number;
}

export function encodeRecord(record: object): Uint8Array {
  return Buffer.from(JSON.stringify(record), 'utf8');
}

export function decodeRecord<T>(bytes: Uint8Array | undefined): T | undefined {
  return bytes === undefined ? undefined : (JSON.parse(Buffer.from(bytes).toString('utf8')) as T);
}
