/**
 * Revocations as the console shows them: every stored entry (newest first) and
 * what it covered, read from the marks revocations leave on identity records.
 * Entries drop out of the store once all they cover has expired; their marks
 * stay, so an identity ended by a pruned entry is still listed under its sequence.
 */
import { prefixRange } from '../../audit/record.js';
import { type IdentityRecord, decodeRecord, identityKey } from '../../issuance/records.js';
import { REVOCATION_PREFIX, type StoredRevocation } from '../../revocation/records.js';
import type { ConsoleSources } from '../sources.js';

export interface RevocationRow {
  readonly sequence: number;
  /** Undefined for an entry already pruned (only the marks it left are known). */
  readonly entry: StoredRevocation | undefined;
  /** The identities this revocation ended, in SPIFFE ID order. */
  readonly covered: readonly string[];
}

/** @example const rows = await listRevocations(sources); */
export async function listRevocations(sources: ConsoleSources): Promise<RevocationRow[]> {
  const { store } = sources.ctx;
  const covered = new Map<number, string[]>();
  for await (const [, value] of store.entries(prefixRange(identityKey('')))) {
    const identity = decodeRecord<IdentityRecord>(value)!;
    if (identity.revocation) covered.set(identity.revocation.sequence, [...(covered.get(identity.revocation.sequence) ?? []), identity.spiffeId]);
  }
  const entries = new Map<number, StoredRevocation>();
  for await (const [, value] of store.entries(prefixRange(REVOCATION_PREFIX))) {
    const entry = decodeRecord<StoredRevocation>(value)!;
    entries.set(entry.sequence, entry);
  }
  const sequences = [...new Set([...entries.keys(), ...covered.keys()])].sort((a, b) => b - a);
  return sequences.map((sequence) => ({ sequence, entry: entries.get(sequence), covered: covered.get(sequence) ?? [] }));
}
