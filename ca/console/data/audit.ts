/**
 * The audit log as the console shows it: one page of records, newest first,
 * each re-hashed and linked to the record before it, the signed checkpoints on
 * that page checked against the bundle, and the whole chain verified (cached
 * for as long as the journal's head stays where it was).
 */
import type { X509Certificate } from 'node:crypto';
import {
  AUDIT_PREFIX, CHECKPOINT_PREFIX, GENESIS_HASH, type AuditRecord, auditKey, checkpointKey, hashRecord, parseRecord,
  parseSequenceKey, prefixRange,
} from '../../audit/record.js';
import { type AuditVerification, verifiedCheckpoint, verifyAudit } from '../../audit/verify.js';
import type { Store } from '../../store/store.js';
import type { ConsoleSources } from '../sources.js';

export const PAGE_SIZE = 50;

/** One stored record and how it fits the chain. */
export interface AuditRow {
  readonly seq: number;
  /** Undefined when the stored bytes do not parse as a record. */
  readonly record: AuditRecord | undefined;
  /** Its hash recomputed equals the stored one. */
  readonly hashOk: boolean;
  /** Its prevHash equals the hash of the record before it (the genesis hash for record 1). */
  readonly linkOk: boolean;
  /** A checkpoint stored at this record, and whether it is signed by the CA and names this record's hash. */
  readonly checkpoint?: { readonly timeMs: number; readonly valid: boolean };
}

export interface AuditPage {
  readonly rows: AuditRow[];
  /** The head of the log, and the sequence to pass as `before` for the next (older) page, if any. */
  readonly head: number;
  readonly older: number | undefined;
  readonly verification: AuditVerification;
}

/**
 * The PAGE_SIZE records before `before` (default: the newest), newest first.
 *
 * @example const page = await auditPage(sources, chain, { before: 101 });
 */
export async function auditPage(sources: ConsoleSources, chain: ChainVerification, params: { before?: number }): Promise<AuditPage> {
  const { store } = sources.ctx;
  const head = sources.ctx.journal.head().seq;
  const before = Math.min(params.before ?? head + 1, head + 1);
  // One record more than the page: the oldest row's link is checked against it.
  const stored: Array<[number, Uint8Array]> = [];
  for await (const [key, value] of store.entries({ ...prefixRange(AUDIT_PREFIX), lt: auditKey(before), reverse: true, limit: PAGE_SIZE + 1 })) {
    stored.push([parseSequenceKey(key, AUDIT_PREFIX) ?? 0, value]);
  }
  const roots = sources.ctx.authority.bundle.certificates;
  const checkpoints = new Map<number, { timeMs: number; hash: string } | undefined>();
  const lowest = stored.at(-1)?.[0] ?? before;
  for await (const [key, value] of store.entries({ gte: checkpointKey(lowest), lt: checkpointKey(before) })) {
    const cp = verifiedCheckpoint(key, value, roots);
    checkpoints.set(parseSequenceKey(key, CHECKPOINT_PREFIX) ?? 0, cp && { timeMs: cp.timeMs, hash: cp.hash });
  }
  const parsed = stored.map(([seq, bytes]) => [seq, parseOrUndefined(bytes)] as const);
  const rows = parsed.slice(0, PAGE_SIZE).map(([seq, record], i): AuditRow => {
    const previous = parsed[i + 1];
    const prevHash = seq === 1 ? GENESIS_HASH : previous?.[0] === seq - 1 ? previous[1]?.hash : undefined;
    const row: AuditRow = {
      seq, record, hashOk: record !== undefined && record.seq === seq && hashRecord(record) === record.hash,
      linkOk: record !== undefined && prevHash !== undefined && record.prevHash === prevHash,
    };
    if (!checkpoints.has(seq)) return row;
    const cp = checkpoints.get(seq);
    return { ...row, checkpoint: { timeMs: cp?.timeMs ?? 0, valid: cp !== undefined && cp.hash === record?.hash } };
  });
  const older = parsed.length > PAGE_SIZE ? parsed[PAGE_SIZE - 1]![0] : undefined;
  return { rows, head, older, verification: await chain.at(head, roots) };
}

/**
 * The whole chain verified, once per journal head: concurrent page loads share
 * one run, and a page refreshed without new records reuses it. A run that
 * failed (the store, not the chain) is not kept.
 */
export class ChainVerification {
  readonly #store: Store;
  #last: { head: number; result: Promise<AuditVerification> } | undefined;

  constructor(store: Store) {
    this.#store = store;
  }

  at(head: number, roots: X509Certificate[]): Promise<AuditVerification> {
    if (this.#last?.head !== head) {
      const result = verifyAudit(this.#store, { roots });
      this.#last = { head, result };
      result.catch(() => {
        if (this.#last?.result === result) this.#last = undefined;
      });
    }
    return this.#last.result;
  }
}

function parseOrUndefined(bytes: Uint8Array): AuditRecord | undefined {
  try {
    return parseRecord(bytes);
  } catch {
    return undefined;
  }
}
