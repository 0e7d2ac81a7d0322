/**
 * The on-disk audit format, shared by the journal (which writes it) and the
 * verifier (which re-checks it), so both hash and parse exactly the same bytes.
 *
 * Records live at `audit/<seq, 16 digits>` as UTF-8 JSON; signed checkpoints of
 * the chain head live at `checkpoint/<seq, 16 digits>`. Zero-padding makes the
 * store's bytewise key order equal to sequence order.
 */
import { createHash } from 'node:crypto';
import { ERROR_CODES, type ErrorCode } from '../../agent-sdk/errors.js';

export type AuditOutcome = 'allowed' | 'denied' | 'error';

/**
 * What a caller describes about an operation. Identifiers only: never keys,
 * tickets, tokens, CSRs or free text from callers (DESIGN flow 9).
 */
export interface AuditEvent {
  /** e.g. 'attest', 'spawn', 'activate', 'renew', 'join_token.create' */
  operation: string;
  /** SPIFFE IDs */
  caller?: string;
  subject?: string;
  task?: string;
  orchestrator?: string;
  sponsor?: string;
  depth?: number;
  chainHash?: string;
  serial?: string;
  attestor?: string;
  /**
   * The remote address of a caller that has no SVID (the public listener): an
   * IPv4 address or an IPv6 /64 prefix. Only on rate-limit refusals, whose key it is.
   */
  address?: string;
  /** How many refusals this record stands for, when more than one (a rate-limit summary); absent means one. */
  count?: number;
  /** The gateway route a request matched (its configured name). */
  route?: string;
  /** The scope that route required. */
  scope?: string;
}

/** One link of the hash chain, as stored. */
export interface AuditRecord extends AuditEvent {
  seq: number;
  timeMs: number;
  outcome: AuditOutcome;
  /** An ErrorCode, for 'denied' and 'error'. */
  reason?: string;
  prevHash: string;
  hash: string;
}

export const AUDIT_PREFIX = 'audit/';
export const CHECKPOINT_PREFIX = 'checkpoint/';
/** The prevHash of record 1. */
export const GENESIS_HASH = '0'.repeat(64);

const SEQ_DIGITS = 16;
const MAX_ID_LENGTH = 2048; // a SPIFFE ID's maximum length; nothing we record is longer
const OPERATION = /^[a-z][a-z0-9_.]{0,63}$/;
const HEX64 = /^[0-9a-f]{64}$/;
const REASON = /^ERR_[A-Z_]{1,60}$/;
const OUTCOMES: readonly string[] = ['allowed', 'denied', 'error'];
const STRING_FIELDS = ['caller', 'subject', 'task', 'orchestrator', 'sponsor', 'chainHash', 'serial', 'attestor', 'address', 'route', 'scope'] as const;

/**
 * The canonical field order. The hash input is
 *   "tessera-audit-record-v1\n" || JSON.stringify([r.prevHash, r.seq, ..., r.attestor])
 * with the values in exactly this order and `null` for an absent field. Because
 * every value is a string or a safe integer, JSON.stringify is deterministic, and
 * a fixed-position array cannot be confused with another record. Stored JSON
 * uses the same order (absent fields omitted) followed by `hash`.
 * Append new fields at the end and bump the prefix; never reorder.
 */
const CANONICAL_ORDER = [
  'prevHash', 'seq', 'timeMs', 'outcome', 'reason', 'operation',
  'caller', 'subject', 'task', 'orchestrator', 'sponsor', 'depth', 'chainHash', 'serial', 'attestor',
] as const satisfies readonly (keyof AuditRecord)[];
const RECORD_DOMAIN = 'tessera-audit-record-v1\n';
/**
 * Fields added after v1, hashed only when a record has one: then the input is
 *   "tessera-audit-record-v2\n" || JSON.stringify([...the v1 values, r.address, r.count])
 * A record without them hashes exactly as before, so logs written by an older
 * CA still verify; a v2 record cannot pass for a v1 one (another prefix, a
 * longer array), and removing its field changes its hash.
 */
const V2_ORDER = ['address', 'count'] as const satisfies readonly (keyof AuditRecord)[];
const RECORD_DOMAIN_V2 = 'tessera-audit-record-v2\n';
/**
 * The gateway's fields, the same way again: a record with one of them hashes
 *   "tessera-audit-record-v3\n" || JSON.stringify([...the v1 values, ...the v2 values, r.route, r.scope])
 */
const V3_ORDER = ['route', 'scope'] as const satisfies readonly (keyof AuditRecord)[];
const RECORD_DOMAIN_V3 = 'tessera-audit-record-v3\n';
const CHECKPOINT_DOMAIN = 'tessera-audit-checkpoint-v1\n';

/** The store key of record `seq`: `audit/` + seq zero-padded to 16 digits. */
export function auditKey(seq: number): string {
  return AUDIT_PREFIX + String(seq).padStart(SEQ_DIGITS, '0');
}

/** The store key of the checkpoint of head `seq`. */
export function checkpointKey(seq: number): string {
  return CHECKPOINT_PREFIX + String(seq).padStart(SEQ_DIGITS, '0');
}

/** The key range holding every key with `prefix` (which must end in '/'). */
export function prefixRange(prefix: string): { gte: string; lt: string } {
  // '/' + 1 is '0': every `prefix...` key sorts below `prefix` with '/' replaced by '0'.
  return { gte: prefix, lt: prefix.slice(0, -1) + '0' };
}

/** The sequence number encoded in `key`, or undefined if the key is not `prefix` + 16 digits. */
export function parseSequenceKey(key: string, prefix: string): number | undefined {
  const digits = key.slice(prefix.length);
  if (!key.startsWith(prefix) || !/^\d{16}$/.test(digits)) return undefined;
  const seq = Number(digits);
  return Number.isSafeInteger(seq) ? seq : undefined;
}

/**
 * Copies only the known AuditEvent fields out of `value` and checks them, so a
 * caller that spreads a request object cannot smuggle a ticket into the log.
 * Throws TypeError on API misuse (an invalid operation, an oversized or
 * non-string ID, a negative depth).
 */
export function toAuditEvent(value: AuditEvent): AuditEvent {
  if (typeof value?.operation !== 'string' || !OPERATION.test(value.operation)) {
    throw new TypeError('audit operation must match ' + String(OPERATION));
  }
  const event: AuditEvent = { operation: value.operation };
  for (const field of STRING_FIELDS) {
    const v: unknown = value[field];
    if (v === undefined) continue;
    if (typeof v !== 'string' || v.length > MAX_ID_LENGTH) throw new TypeError(`audit field ${field} must be a string of at most ${MAX_ID_LENGTH} characters`);
    event[field] = v;
  }
  if (value.depth !== undefined) {
    if (!Number.isSafeInteger(value.depth) || value.depth < 0) throw new TypeError('audit depth must be a non-negative integer');
    event.depth = value.depth;
  }
  if (value.count !== undefined) {
    if (!Number.isSafeInteger(value.count) || value.count < 1) throw new TypeError('audit count must be a positive integer');
    event.count = value.count;
  }
  return event;
}

/**
 * SHA-256 (hex) of a record without its `hash`, in the canonical encoding
 * documented at CANONICAL_ORDER. The chain link is `prevHash`, the first value.
 */
export function hashRecord(record: Omit<AuditRecord, 'hash'>): string {
  const values: unknown[] = CANONICAL_ORDER.map((field) => record[field] ?? null);
  const added = V2_ORDER.map((field) => record[field] ?? null);
  const gateway = V3_ORDER.map((field) => record[field] ?? null);
  const input = gateway.some((v) => v !== null) ? RECORD_DOMAIN_V3 + JSON.stringify([...values, ...added, ...gateway])
    : added.every((v) => v === null) ? RECORD_DOMAIN + JSON.stringify(values) : RECORD_DOMAIN_V2 + JSON.stringify([...values, ...added]);
  return createHash('sha256').update(input, 'utf8').digest('hex');
}

/**
 * Builds and hashes the next record. `event` must come from toAuditEvent;
 * `reason` must be an ErrorCode.
 */
export function sealRecord(params: {
  event: AuditEvent; seq: number; timeMs: number; outcome: AuditOutcome; reason?: ErrorCode; prevHash: string;
}): AuditRecord {
  const { event, seq, timeMs, outcome, reason, prevHash } = params;
  if (reason !== undefined && !ERROR_CODES.includes(reason)) throw new TypeError('audit reason must be an ErrorCode');
  const unsealed: Omit<AuditRecord, 'hash'> = { ...event, seq, timeMs, outcome, prevHash };
  if (reason !== undefined) unsealed.reason = reason;
  return { ...unsealed, hash: hashRecord(unsealed) };
}

/** The stored bytes of a record: UTF-8 JSON, fields in canonical order (v1, v2, v3) then `hash`. */
export function encodeRecord(record: AuditRecord): Uint8Array {
  const ordered: Record<string, unknown> = {};
  for (const field of [...CANONICAL_ORDER, ...V2_ORDER, ...V3_ORDER]) if (record[field] !== undefined) ordered[field] = record[field];
  ordered['hash'] = record.hash;
  return Buffer.from(JSON.stringify(ordered), 'utf8');
}

/**
 * Parses stored bytes strictly: unknown fields, nulls and wrong types are
 * rejected, because a field the hash does not cover must not be there at all.
 * Does not check the hash. Throws TypeError when malformed.
 */
export function parseRecord(bytes: Uint8Array): AuditRecord {
  const obj = parseJsonObject(bytes);
  const allowed = new Set<string>([...CANONICAL_ORDER, ...V2_ORDER, ...V3_ORDER, 'hash']);
  for (const key of Object.keys(obj)) if (!allowed.has(key)) throw new TypeError(`unknown audit field ${key}`);
  const { seq, timeMs, outcome, reason, prevHash, hash } = obj;
  if (!isSequence(seq) || !Number.isSafeInteger(timeMs)) throw new TypeError('bad seq or timeMs');
  if (typeof outcome !== 'string' || !OUTCOMES.includes(outcome)) throw new TypeError('bad outcome');
  if (reason !== undefined && (typeof reason !== 'string' || !REASON.test(reason))) throw new TypeError('bad reason');
  if (!isHex64(prevHash) || !isHex64(hash)) throw new TypeError('bad prevHash or hash');
  const event = toAuditEvent(obj as unknown as AuditEvent);
  const record: AuditRecord = { ...event, seq, timeMs: timeMs as number, outcome: outcome as AuditOutcome, prevHash, hash };
  if (reason !== undefined) record.reason = reason;
  return record;
}

/** A signed statement of the chain head, stored at checkpointKey(seq). */
export interface Checkpoint {
  seq: number;
  hash: string;
  timeMs: number;
  /** base64 DER ECDSA signature over checkpointSigningBytes(). */
  signature: string;
  /** base64 DER certificates, the signer first. */
  signerChain: string[];
}

/**
 * The exact bytes a checkpoint signature covers (UTF-8):
 *   "tessera-audit-checkpoint-v1\n" + seq + "\n" + hash + "\n" + timeMs + "\n"
 * The prefix separates these signatures from anything else the CA key signs.
 */
export function checkpointSigningBytes(head: { seq: number; hash: string; timeMs: number }): Buffer {
  return Buffer.from(`${CHECKPOINT_DOMAIN}${head.seq}\n${head.hash}\n${head.timeMs}\n`, 'utf8');
}

/** The stored bytes of a checkpoint (UTF-8 JSON). */
export function encodeCheckpoint(cp: Checkpoint): Uint8Array {
  const { seq, hash, timeMs, signature, signerChain } = cp;
  return Buffer.from(JSON.stringify({ seq, hash, timeMs, signature, signerChain }), 'utf8');
}

/** Parses stored checkpoint bytes strictly. Does not verify anything. Throws TypeError when malformed. */
export function parseCheckpoint(bytes: Uint8Array): Checkpoint {
  const { seq, hash, timeMs, signature, signerChain, ...rest } = parseJsonObject(bytes);
  if (Object.keys(rest).length > 0) throw new TypeError('unknown checkpoint field');
  if (!isSequence(seq) || !isHex64(hash) || !Number.isSafeInteger(timeMs)) throw new TypeError('bad checkpoint head');
  if (typeof signature !== 'string' || !Array.isArray(signerChain) || signerChain.length === 0 ||
      !signerChain.every((c) => typeof c === 'string')) throw new TypeError('bad checkpoint signature');
  return { seq, hash, timeMs: timeMs as number, signature, signerChain: signerChain as string[] };
}

function parseJsonObject(bytes: Uint8Array): Record<string, unknown> {
  const value: unknown = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError('not a JSON object');
  return value as Record<string, unknown>;
}

function isSequence(v: unknown): v is number {
  return Number.isSafeInteger(v) && (v as number) >= 1;
}

function isHex64(v: unknown): v is string {
  return typeof v === 'string' && HEX64.test(v);
}
