/**
 * Where the PostgreSQL store keeps each family of keys. The Store contract is
 * a bytewise-ordered key space; in the database each family is a table of its
 * own: sequences (audit records, checkpoints, revocations) keyed by a bigint,
 * the rest by text in the "C" collation (bytewise, like LevelDB). Primary keys
 * are the btree indexes the range reads use.
 */

/** A family of keys and the table holding it. */
export interface KeyFamily {
  readonly table: string;
  /** The key prefixes stored here; the first ends in '/'. Empty for the catch-all. */
  readonly prefixes: readonly string[];
  /** 'seq': the key is the prefix and a 16-digit number, stored as bigint. */
  readonly keyType: 'seq' | 'text';
}

export const FAMILIES: readonly KeyFamily[] = [
  { table: 'tessera_audit', prefixes: ['audit/'], keyType: 'seq' },
  { table: 'tessera_checkpoints', prefixes: ['checkpoint/'], keyType: 'seq' },
  { table: 'tessera_revocations', prefixes: ['revocation/'], keyType: 'seq' },
  // Spawn tickets and join tokens: updated only by compare-and-set.
  { table: 'tessera_one_time_secrets', prefixes: ['ticket/', 'join_token/'], keyType: 'text' },
  // The signing authorities and their sealed keys: a table of their own, so the replicas' authority
  // followers wake on authority changes only, not on every issuance.
  { table: 'tessera_authorities', prefixes: ['authority/', 'authority_key/'], keyType: 'text' },
  { table: 'tessera_state', prefixes: [], keyType: 'text' },
];

const CATCH_ALL = FAMILIES[FAMILIES.length - 1]!;

/** The lock row every journal transaction takes FOR UPDATE: the audit chain has one writer at a time. */
export const JOURNAL_LOCK_TABLE = 'tessera_journal_lock';

/** The channel commits notify with the name of each table they wrote. */
export const CHANGES_CHANNEL = 'tessera_changes';

/** Creates what is missing; safe to run from every replica at once (under an advisory lock). */
export const SCHEMA_SQL = [
  ...FAMILIES.map((f) => f.keyType === 'seq'
    ? `CREATE TABLE IF NOT EXISTS ${f.table} (seq bigint PRIMARY KEY CHECK (seq >= 0 AND seq < 10000000000000000), value bytea NOT NULL)`
    : `CREATE TABLE IF NOT EXISTS ${f.table} (key text COLLATE "C" PRIMARY KEY, value bytea NOT NULL)`),
  `CREATE TABLE IF NOT EXISTS ${JOURNAL_LOCK_TABLE} (id integer PRIMARY KEY CHECK (id = 1))`,
  `INSERT INTO ${JOURNAL_LOCK_TABLE} (id) VALUES (1) ON CONFLICT DO NOTHING`,
  // A database from before tessera_authorities kept the authority records in tessera_state: move them.
  `WITH moved AS (DELETE FROM tessera_state WHERE key >= 'authority/' AND key < 'authority0' RETURNING key, value)
   INSERT INTO tessera_authorities (key, value) SELECT key, value FROM moved ON CONFLICT DO NOTHING`,
];

/** The family `key` belongs to. */
export function familyOf(key: string): KeyFamily {
  return FAMILIES.find((f) => f.prefixes.some((p) => key.startsWith(p))) ?? CATCH_ALL;
}

/** The key column's value: the sequence number for 'seq' families (TypeError if the key has none). */
export function columnOf(family: KeyFamily, key: string): string {
  if (family.keyType === 'text') return key;
  const digits = key.slice(family.prefixes[0]!.length);
  if (!/^\d{16}$/.test(digits)) throw new TypeError(`${key} is not ${family.prefixes[0]} and 16 digits`);
  return String(Number(digits));
}

/** The store key of a row. */
export function keyOf(family: KeyFamily, column: string): string {
  return family.keyType === 'text' ? column : family.prefixes[0]! + column.padStart(16, '0');
}

/**
 * The family a range reads, and its bounds as key-column values. A range
 * must stay within one family: every range the CA reads is one prefix.
 */
export function rangeOf(range: { gte?: string; lt?: string }): { family: KeyFamily; gte?: string; lt?: string } {
  if (range.gte === undefined) throw new TypeError('a range needs a lower bound in the PostgreSQL store');
  const family = familyOf(range.gte);
  if (family.keyType === 'text') return { family, gte: range.gte, ...(range.lt !== undefined && { lt: range.lt }) };
  const prefix = family.prefixes[0]!;
  const end = prefix.slice(0, -1) + '0';
  if (range.lt !== undefined && range.lt > end) throw new TypeError('a range must stay within one key family');
  const bound = (key: string) => (key <= prefix ? undefined : key >= end ? undefined : columnOf(family, key.padEnd(prefix.length + 16, '0')));
  const gte = bound(range.gte);
  const lt = range.lt === undefined ? undefined : bound(range.lt);
  return { family, ...(gte !== undefined && { gte }), ...(lt !== undefined && { lt }) };
}
