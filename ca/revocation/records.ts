/**
 * How revocations are stored. Each entry lives at `revocation/<seq, 16 digits>`
 * (so key order is sequence order) until everything it covers has expired;
 * `revoked/<kind>/<name>` indexes what is revoked for the checks made inside
 * issuance transactions; `meta/revocation_head` holds the last sequence number,
 * which survives pruning so a number is never reused.
 */
import { TesseraError } from '../../agent-sdk/errors.js';
import type { RevocationCause, RevocationEntry } from '../../agent-sdk/revocation-list.js';
import { decodeRecord, encodeRecord } from '../issuance/records.js';
import type { StoreOp } from '../store/store.js';
import { describeId } from '../../agent-sdk/tessera-id.js';
import { SpiffeId } from '../../agent-sdk/spiffe-id.js';

export const REVOCATION_PREFIX = 'revocation/';
export const REVOCATION_HEAD_KEY = 'meta/revocation_head';
export const revocationKey = (sequence: number) => REVOCATION_PREFIX + String(sequence).padStart(16, '0');

/** Index keys: one per thing an entry names, pointing at the entry that covers it longest. */
export const revokedKey = {
  serial: (serialHex: string) => `revoked/serial/${serialHex}`,
  jti: (jti: string) => `revoked/jti/${jti}`,
  /** An identity revoked by itself (agent entries) or as part of a subtree (chain entries). */
  id: (spiffeId: string) => `revoked/id/${spiffeId}`,
  /** The root of a revoked subtree: its descendants, also future ones, are refused. */
  chain: (spiffeId: string) => `revoked/chain/${spiffeId}`,
  task: (orchestrator: string, task: string) => `revoked/task/${orchestrator}/${task}`,
};

/** An entry as stored: what validators get, plus the operator's reason, which stays here. */
export interface StoredRevocation extends RevocationEntry {
  readonly reason?: string;
}

/** The value at a `revoked/...` key. */
export interface RevokedIndex {
  readonly sequence: number;
  readonly expiresAtMs: number;
}

/** What the CA wrote on an identity record when a revocation ended it. */
export interface IdentityRevocation {
  readonly sequence: number;
  readonly atMs: number;
  readonly cause: RevocationCause;
  readonly reason?: string;
}

/** The index keys an entry writes. */
export function indexKeysOf(entry: RevocationEntry): string[] {
  switch (entry.kind) {
    case 'serial':
      return [revokedKey.serial(entry.target)];
    case 'jti':
      return [revokedKey.jti(entry.target)];
    case 'agent':
      return [revokedKey.id(entry.target)];
    case 'task': {
      const [orchestrator = '', task = ''] = entry.target.split('/');
      return [revokedKey.task(orchestrator, task)];
    }
    case 'chain':
      return [revokedKey.chain(entry.target), ...entry.coveredIds.map(revokedKey.id)];
    case 'x509_authority':
    case 'jwt_authority':
      // Issuance checks an authority's state in its record (ca/authority), not here.
      return [];
  }
}

/** What a new entry says; the transaction adds its sequence number. */
export type RevocationDraft = Omit<StoredRevocation, 'sequence'>;

/**
 * The writes that commit a new entry inside a transaction that read
 * REVOCATION_HEAD_KEY and the entry's index keys (indexKeysOf): the next
 * sequence number, the entry, the head, and each index key unless an entry
 * covering it longer holds it. Returns the entry with its number.
 *
 * @example const { entry, ops } = revocationOps(current, { kind: 'jti', target: jti, ... });
 */
export function revocationOps(current: ReadonlyMap<string, Uint8Array | undefined>, draft: RevocationDraft): { entry: StoredRevocation; ops: StoreOp[] } {
  const sequence = (decodeRecord<{ sequence: number }>(current.get(REVOCATION_HEAD_KEY))?.sequence ?? 0) + 1;
  const entry: StoredRevocation = { sequence, ...draft };
  const ops: StoreOp[] = [
    { type: 'put', key: revocationKey(sequence), value: encodeRecord(entry) },
    { type: 'put', key: REVOCATION_HEAD_KEY, value: encodeRecord({ sequence }) },
  ];
  for (const key of indexKeysOf(entry)) {
    const existing = decodeRecord<RevokedIndex>(current.get(key));
    if (existing && existing.expiresAtMs > entry.expiresAtMs) continue;
    ops.push({ type: 'put', key, value: encodeRecord({ sequence, expiresAtMs: entry.expiresAtMs } satisfies RevokedIndex) });
  }
  return { entry, ops };
}

/**
 * The index keys that say whether an identity (or one of its certificates) is
 * revoked: itself, its task, each ancestor's subtree, and the serial. List
 * them in a transaction's `read` and pass them to assertNotRevoked.
 *
 * @throws {SpiffeIdError} when spiffeId is not a SPIFFE ID.
 * @example const keys = guardKeysOf({ spiffeId, delegationChain: identity.delegationChain, serialHex: peer.serialHex });
 */
export function guardKeysOf(subject: {
  spiffeId: string; delegationChain?: readonly string[] | undefined; serialHex?: string | undefined;
}): string[] {
  const keys = [revokedKey.id(subject.spiffeId), revokedKey.chain(subject.spiffeId)];
  for (const ancestor of subject.delegationChain ?? []) keys.push(revokedKey.chain(ancestor));
  const who = SpiffeId.parse(subject.spiffeId);
  const described = describeId(who);
  if (described?.kind === 'agent') keys.push(revokedKey.task(described.orchestrator, described.task));
  if (subject.serialHex) keys.push(revokedKey.serial(subject.serialHex));
  return keys;
}

/**
 * Refuses inside a transaction's `decide` when any of `keys` (from guardKeysOf,
 * listed in the transaction's `read`) is set.
 *
 * @throws {TesseraError} ERR_REVOKED.
 * @example decide: (current) => { assertNotRevoked(current, guardKeysOf({ spiffeId })); ... }
 */
export function assertNotRevoked(current: ReadonlyMap<string, Uint8Array | undefined>, keys: readonly string[]): void {
  for (const key of keys) {
    if (current.get(key) !== undefined) throw new TesseraError('ERR_REVOKED', `${key.split('/')[1]} is revoked`);
  }
}

/**
 * Refuses an identity that a revocation ended. The mark on the identity record
 * outlives the entry, which is pruned once the identity's last SVID expired.
 *
 * @throws {TesseraError} ERR_REVOKED.
 * @example assertIdentityNotRevoked(decodeRecord<IdentityRecord>(current.get(identityKey(id)))!);
 */
export function assertIdentityNotRevoked(identity: { readonly revocation?: IdentityRevocation }): void {
  if (identity.revocation) throw new TesseraError('ERR_REVOKED', 'identity is revoked');
}

const MAX_REASON = 200;
// C0/C1 controls, DEL, and the Unicode format characters that reorder or hide
// text (bidi overrides and isolates, zero-width joiners, BOM, line separators).
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/gu;

/**
 * An operator's reason, made safe to store and print: unsafe characters become
 * spaces, runs of spaces collapse, ends are trimmed; empty becomes undefined.
 *
 * @throws {TesseraError} ERR_INVALID_ARGUMENT when longer than 200 characters afterwards.
 * @example sanitizeReason('key leaked\n\u202eevil') // 'key leaked evil'
 */
export function sanitizeReason(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const clean = text.normalize('NFC').replace(UNSAFE, ' ').replace(/\s+/gu, ' ').trim();
  if ([...clean].length > MAX_REASON) throw new TesseraError('ERR_INVALID_ARGUMENT', `a reason must be at most ${MAX_REASON} characters`);
  return clean || undefined;
}

/**
 * A certificate serial as the CA stores it: lowercase hex, no separators.
 *
 * @throws {TesseraError} ERR_INVALID_ARGUMENT when it is not hex.
 * @example normalizeSerial('0A:1B:2C') // '0a1b2c'
 */
export function normalizeSerial(serial: string): string {
  const hex = serial.replace(/:/g, '').toLowerCase();
  if (!/^(?:[0-9a-f]{2}){1,40}$/.test(hex)) throw new TesseraError('ERR_INVALID_ARGUMENT', 'a serial is hex bytes, for example 0a1b2c');
  return hex;
}

/**
 * A token id as revocable: the jti alphabet of JWT-SVIDs (base64url, up to 128 characters).
 *
 * @throws {TesseraError} ERR_INVALID_ARGUMENT otherwise.
 * @example checkJti('9c1e0b...') // the same string
 */
export function checkJti(jti: string): string {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(jti)) throw new TesseraError('ERR_INVALID_ARGUMENT', 'a jti is 1-128 base64url characters');
  return jti;
}
