/**
 * The single writer of CA state. Every state change is a read-decide-write
 * transaction whose audit record is written in the same synced batch, so no
 * decision is acknowledged (and no certificate leaves the CA) before its record
 * is durable (DESIGN flow 9: issuance fails closed).
 *
 * Group commit: while one batch is being synced, new transactions queue; the
 * next batch takes all of them, reads their keys with one getMany, runs each
 * `decide` in arrival order against an overlay of the earlier ones' writes, and
 * syncs once. Serial semantics, one fsync per group.
 *
 * Pipelined, one group deep: while group N's batch syncs, group N+1 is read and
 * decided on top of N's writes (an overlay of them wins over the store), and its
 * batch is handed to the store only once N's is durable, so batches reach the
 * store strictly in order. Every caller still gets its answer only after its own
 * group is durable. If N's write fails, N+1 was decided on state that never
 * happened: it is rejected too, nothing of it is written, and the chain goes on
 * from the last durable record.
 *
 * On a SharedStore (several CA replicas on one database) each group is one
 * database transaction under the store's write lock instead: it re-reads the
 * chain head (another replica may have appended), reads, decides and writes,
 * and commits. Serial across replicas; no pipelining, as the next group needs
 * the lock this one holds until its commit.
 */
import type { Clock } from '../../agent-sdk/clock.js';
import { TesseraError, type ErrorCode } from '../../agent-sdk/errors.js';
import { type SharedStore, type Store, type StoreOp, type StoreTransaction, isSharedStore } from '../store/store.js';
import {
  AUDIT_PREFIX, CHECKPOINT_PREFIX, GENESIS_HASH, auditKey, checkpointKey, checkpointSigningBytes,
  encodeCheckpoint, encodeRecord, hashRecord, parseCheckpoint, parseRecord, parseSequenceKey, prefixRange,
  sealRecord, toAuditEvent, type AuditEvent, type AuditOutcome, type AuditRecord, type Checkpoint,
} from './record.js';

/**
 * Signs checkpoints. In the CA: the intermediate CA key,
 * `{ sign: (data) => crypto.sign('sha256', data, key), chain: [intermediateDer] }`.
 */
export interface CheckpointSigner {
  /** A DER ECDSA signature over `data`. */
  sign(data: Buffer): Buffer | Promise<Buffer>;
  /** DER certificates, the signer first; the last one is issued by a trust-bundle root. */
  chain: readonly Uint8Array[];
}

/** Sign the head after `everyRecords` new records or `everyMs` (whichever first). */
export interface CheckpointOptions {
  signer: CheckpointSigner;
  everyRecords: number;
  everyMs: number;
  /** Called with each checkpoint once it is stored, e.g. to append it to an anchor outside the data directory. */
  onCheckpoint?(checkpoint: Checkpoint): Promise<void>;
}

/** What `decide` returns when it allows the operation. */
export interface Decision<T> {
  ops: readonly StoreOp[];
  result: T;
  /** Overrides of the transaction's audit event, e.g. the subject allocated in `decide`. */
  audit?: Partial<AuditEvent>;
}

/** A read-decide-write transaction and the audit event describing it. */
export interface Transaction<T> {
  /** Keys `decide` sees; values include earlier transactions of the same group. */
  read: readonly string[];
  /**
   * More keys for `decide`, named by the values of `read` as they were before
   * this group (a ticket names the identity whose revocation keys matter). Read
   * in the same group, with no round trip of its own; only for facts that never
   * change once written. A throw ends the transaction like a throw in `decide`.
   */
  readAlso?(current: ReadonlyMap<string, Uint8Array | undefined>): readonly string[];
  audit: AuditEvent;
  /**
   * Synchronous. Return to allow (ops are written with an 'allowed' record);
   * throw a TesseraError to deny (a 'denied' record with reason = its code).
   */
  decide(current: ReadonlyMap<string, Uint8Array | undefined>): Decision<T>;
}

/** A group whose batch the store is writing: its writes, its chain head, and whether it became durable. */
/**
 * Told what the journal does, for logs and metrics (ca/operations.ts). Called
 * synchronously; it must not throw.
 */
export interface JournalObserver {
  /** A group's batch is durable: its records, in order, and how long the store took to write it. */
  written(records: readonly AuditRecord[], writeMs: number): void;
  /** The store failed to read for or to write a group: every call in it failed closed. */
  storeFailed(op: 'read' | 'write', cause: unknown): void;
}

interface InFlight {
  readonly overlay: ReadonlyMap<string, Uint8Array | undefined>;
  readonly head: { seq: number; hash: string };
  readonly durable: Promise<boolean>;
}

/** A decided group: its batch, its callers' answers, its writes, and the chain head after it. */
interface Prepared {
  ops: StoreOp[];
  settles: (() => void)[];
  overlay: Map<string, Uint8Array | undefined>;
  head: { seq: number; hash: string };
  /** The group's audit records, for the observer once they are durable. */
  records: AuditRecord[];
}

type Item =
  | { kind: 'tx'; tx: Transaction<unknown>; audit: AuditEvent; resolve(v: unknown): void; reject(e: unknown): void }
  | { kind: 'record'; audit: AuditEvent; outcome: AuditOutcome; reason: ErrorCode | undefined; resolve(v: unknown): void; reject(e: unknown): void };

// Bounds one batch's size and the time one sync holds the rest of the queue.
const MAX_GROUP = 512;

export class Journal {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #checkpoints: CheckpointScheduler | undefined;
  readonly #observer: JournalObserver | undefined;
  /** The last durable record. */
  #head: { seq: number; hash: string };
  /** The group whose batch is being written, if any. */
  #inFlight: InFlight | undefined;
  #queue: Item[] = [];
  /** Wakes a drain that waits for the write in flight as soon as new work queues. */
  #wake: (() => void) | undefined;
  #draining: Promise<void> | undefined;
  #closed = false;
  #closing: Promise<void> | undefined;

  private constructor(store: Store, clock: Clock, head: { seq: number; hash: string }, checkpoints?: CheckpointScheduler, observer?: JournalObserver) {
    this.#observer = observer;
    this.#store = store;
    this.#clock = clock;
    this.#head = head;
    this.#checkpoints = checkpoints;
  }

  /**
   * Opens the journal on `store`, recovering the chain head from the last
   * audit record. Throws ERR_AUDIT_CHAIN_BROKEN if the last record does not
   * verify or the log ends below (or disagrees with) the last checkpoint:
   * continuing would overwrite signed history.
   * The store stays owned by the caller; close it after `close()`.
   *
   * @example
   * const journal = await Journal.open({ store, clock: systemClock,
   *   checkpoint: { signer: { sign: (d) => crypto.sign('sha256', d, key), chain: [intermediateDer] },
   *                 everyRecords: 1000, everyMs: 60_000 } });
   */
  static async open(params: { store: Store; clock: Clock; checkpoint?: CheckpointOptions; observer?: JournalObserver }): Promise<Journal> {
    const { store, clock, checkpoint, observer } = params;
    // The checkpoint before the head: on a store replicas share, another one may append records and a
    // checkpoint between the two reads, and a head read after a checkpoint always covers it.
    const lastSigned = await readLastCheckpoint(store);
    const head = await readHead(store);
    const last = lastSigned && (await checkCheckpointInLog(store, lastSigned, head));
    const scheduler = checkpoint && new CheckpointScheduler(checkpoint, clock, last);
    const journal = new Journal(store, clock, head, scheduler, observer);
    scheduler?.start(() => journal.#kick());
    return journal;
  }

  /**
   * Runs `tx` serialized with every other commit and resolves with its result
   * once its state change and 'allowed' record are durable. If `decide` throws,
   * nothing of its ops is written, a 'denied' (TesseraError) or 'error' record
   * is made durable, and the promise rejects with the thrown value. If the store
   * cannot sync, rejects with ERR_INTERNAL; with TypeError for an invalid event.
   *
   * @example
   * const svid = await journal.commit({
   *   read: [ticketKey], audit: { operation: 'activate', caller },
   *   decide(cur) {
   *     if (!cur.get(ticketKey)) throw new TesseraError('ERR_TICKET_USED', 'ticket already used');
   *     return { ops: [{ type: 'del', key: ticketKey }], result: sign(), audit: { serial } };
   *   },
   * });
   */
  commit<T>(tx: Transaction<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const audit = toAuditEvent(tx.audit);
      this.#enqueue({ kind: 'tx', tx: tx as Transaction<unknown>, audit, resolve: resolve as (v: unknown) => void, reject });
    });
  }

  /**
   * Appends one audit record with no state change (e.g. a denial found before
   * any read) and resolves once it is durable. Rejects with ERR_INTERNAL if
   * the store cannot sync, with TypeError for an invalid event or reason.
   */
  record(event: AuditEvent, outcome: AuditOutcome, reason?: ErrorCode): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const audit = toAuditEvent(event);
      if (outcome === 'allowed' ? reason !== undefined : reason === undefined) {
        throw new TypeError("a reason is required for 'denied' and 'error', and not allowed for 'allowed'");
      }
      this.#enqueue({ kind: 'record', audit, outcome, reason, resolve: resolve as (v: unknown) => void, reject });
    });
  }

  /** The last durable record's sequence number and hash (0 and 64 zeros when empty). */
  head(): { seq: number; hash: string } {
    return { ...this.#head };
  }

  /**
   * Signs a checkpoint over the current head now, once the queued work is
   * durable, if records were added since the last one (used at start to sign
   * a tail a crash left unsigned).
   */
  async checkpoint(): Promise<void> {
    while (this.#draining) await this.#draining;
    if (this.#checkpoints?.pending(this.#head)) await this.#writeCheckpoint();
  }

  /**
   * Stops accepting work, waits for queued transactions, stops the checkpoint
   * timer and writes a final checkpoint if records were added since the last
   * one. Rejects if that checkpoint cannot be signed or written.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#closed = true;
      this.#checkpoints?.stop();
      while (this.#draining) await this.#draining;
      if (this.#checkpoints?.pending(this.#head)) await this.#writeCheckpoint();
    })();
    return this.#closing;
  }

  #enqueue(item: Item): void {
    if (this.#closed) throw new TesseraError('ERR_INTERNAL', 'the audit journal is closed');
    this.#queue.push(item);
    this.#wake?.();
    this.#kick();
  }

  #kick(): void {
    if (this.#draining || (this.#closed && this.#queue.length === 0)) return;
    this.#draining = this.#drain().finally(() => {
      this.#draining = undefined;
      if (this.#queue.length > 0) this.#kick();
    });
  }

  async #drain(): Promise<void> {
    // One microtask turn, so a synchronous burst of commits forms one group.
    await undefined;
    for (;;) {
      if (!this.#closed && this.#checkpoints?.due(this.#inFlight?.head ?? this.#head)) {
        // A checkpoint signs a durable head: let the write in flight land first.
        await this.#inFlight?.durable;
        await this.#writeCheckpoint().catch(() => this.#checkpoints?.postpone(this.#head));
        continue;
      }
      const group = this.#queue.splice(0, MAX_GROUP);
      if (group.length === 0) {
        // Return only once nothing is in flight (close() relies on it); new work
        // that queues meanwhile is prepared at once, while that write syncs.
        if (!this.#inFlight) return;
        await Promise.race([this.#inFlight.durable, new Promise<void>((resolve) => (this.#wake = resolve))]);
        this.#wake = undefined;
        continue;
      }
      await this.#runGroup(group);
    }
  }

  /**
   * Reads and decides `group` on top of the group in flight, waits for that one
   * to be durable, then starts this group's write and returns without waiting
   * for it: the next group is prepared while this one syncs.
   */
  async #runGroup(group: Item[]): Promise<void> {
    if (isSharedStore(this.#store)) return this.#runSharedGroup(this.#store, group);
    const previous = this.#inFlight;
    let prepared: Prepared;
    try {
      prepared = await this.#prepare(group, this.#store, previous?.head ?? this.#head, previous);
    } catch (err) {
      this.#observer?.storeFailed('read', err);
      await previous?.durable;
      rejectAll(group, err);
      return;
    }
    // Batches reach the store in order, and nothing is decided on a write that failed.
    if (previous && !(await previous.durable)) {
      rejectAll(group, new TesseraError('ERR_INTERNAL', 'state could not be made durable'));
      return;
    }
    const { ops, settles, overlay, head, records } = prepared;
    const startedMs = performance.now();
    const durable = this.#store.write(ops).then(
      () => {
        this.#head = head;
        this.#observer?.written(records, performance.now() - startedMs);
        for (const settle of settles) settle();
        return true;
      },
      (cause: unknown) => {
        // Fail closed: the head stays at the last durable record.
        this.#observer?.storeFailed('write', cause);
        rejectAll(group, notDurable(cause));
        return false;
      },
    ).finally(() => {
      if (this.#inFlight === flight) this.#inFlight = undefined;
    });
    const flight = { overlay, head, durable };
    this.#inFlight = flight;
  }

  /** One group as one transaction of the shared store: head, reads, decisions and writes under its lock. */
  async #runSharedGroup(store: SharedStore, group: Item[]): Promise<void> {
    let prepared: Prepared;
    const startedMs = performance.now();
    try {
      prepared = await store.exclusive(async (tx) => {
        const decided = await this.#prepare(group, tx, await readHead(tx), undefined);
        await tx.write(decided.ops);
        return decided;
      });
    } catch (cause) {
      this.#observer?.storeFailed('write', cause);
      rejectAll(group, notDurable(cause));
      return;
    }
    this.#head = prepared.head;
    this.#observer?.written(prepared.records, performance.now() - startedMs);
    for (const settle of prepared.settles) settle();
  }

  /** Reads the group's keys (the group in flight's writes win over the store) and runs every decide and seal. */
  async #prepare(group: Item[], reader: Pick<Store, 'getMany'>, start: { seq: number; hash: string }, previous: InFlight | undefined): Promise<Prepared> {
    const overlay = new Map<string, Uint8Array | undefined>();
    await this.#readInto(reader, overlay, group.flatMap((item) => (item.kind === 'tx' ? item.tx.read : [])), previous);
    const keysOf = new Map<Item, readonly string[] | { failed: unknown }>();
    for (const item of group) {
      if (item.kind !== 'tx' || !item.tx.readAlso) continue;
      try {
        keysOf.set(item, [...item.tx.read, ...item.tx.readAlso(viewOf(item.tx.read, overlay))]);
      } catch (failed) {
        keysOf.set(item, { failed });
      }
    }
    await this.#readInto(reader, overlay, [...keysOf.values()].flatMap((keys) => (Array.isArray(keys) ? keys : [])), previous);
    const ops: StoreOp[] = [];
    const settles: (() => void)[] = [];
    const records: AuditRecord[] = [];
    let { seq, hash } = start;
    for (const item of group) {
      const { audit, outcome, reason, settle } = item.kind === 'tx'
        ? this.#decide(item, keysOf.get(item) ?? item.tx.read, overlay, ops)
        : { ...item, settle: () => item.resolve(undefined) };
      const timeMs = Math.floor(this.#clock.now());
      const record = sealRecord({ event: audit, seq: seq + 1, timeMs, outcome, reason, prevHash: hash });
      ops.push({ type: 'put', key: auditKey(record.seq), value: encodeRecord(record) });
      records.push(record);
      ({ seq, hash } = record);
      settles.push(settle);
    }
    return { ops, settles, overlay, head: { seq, hash }, records };
  }

  /** Adds `keys` not yet in `overlay`, read in one getMany; the group in flight's writes win over the store. */
  async #readInto(
    reader: Pick<Store, 'getMany'>, overlay: Map<string, Uint8Array | undefined>, keys: readonly string[], previous: InFlight | undefined,
  ): Promise<void> {
    const missing = [...new Set(keys)].filter((key) => !overlay.has(key));
    if (missing.length === 0) return;
    const values = await reader.getMany(missing);
    missing.forEach((key, i) => overlay.set(key, previous?.overlay.has(key) ? previous.overlay.get(key) : values[i]));
  }

  /** Runs one decide against the overlay; on allow, applies its ops to the overlay and the batch. */
  #decide(
    item: Extract<Item, { kind: 'tx' }>, keys: readonly string[] | { failed: unknown },
    overlay: Map<string, Uint8Array | undefined>, ops: StoreOp[],
  ) {
    try {
      if (!Array.isArray(keys)) throw (keys as { failed: unknown }).failed;
      const decision = item.tx.decide(viewOf(keys, overlay));
      checkDecision(decision);
      const audit = toAuditEvent({ ...item.audit, ...decision.audit });
      for (const op of decision.ops) {
        overlay.set(op.key, op.type === 'put' ? op.value : undefined);
        ops.push(op);
      }
      return { audit, outcome: 'allowed' as AuditOutcome, reason: undefined, settle: () => item.resolve(decision.result) };
    } catch (err) {
      const denied = err instanceof TesseraError;
      return {
        audit: item.audit,
        outcome: (denied ? 'denied' : 'error') as AuditOutcome,
        reason: denied ? err.code : 'ERR_INTERNAL' as ErrorCode,
        settle: () => item.reject(err),
      };
    }
  }

  async #writeCheckpoint(): Promise<void> {
    const scheduler = this.#checkpoints!;
    const head = { ...this.#head, timeMs: Math.floor(this.#clock.now()) };
    const signature = Buffer.from(await scheduler.signer.sign(checkpointSigningBytes(head))).toString('base64');
    const signerChain = scheduler.signer.chain.map((der) => Buffer.from(der).toString('base64'));
    const checkpoint = { ...head, signature, signerChain };
    await this.#store.write([{ type: 'put', key: checkpointKey(head.seq), value: encodeCheckpoint(checkpoint) }]);
    scheduler.written(head);
    await scheduler.onCheckpoint?.(checkpoint);
  }
}

/** What one transaction sees of the group's overlay: its own keys only. */
function viewOf(keys: readonly string[], overlay: ReadonlyMap<string, Uint8Array | undefined>): Map<string, Uint8Array | undefined> {
  return new Map(keys.map((key) => [key, overlay.get(key)] as const));
}

/** The failure of a write: the store's ERR_UNAVAILABLE as it is (the caller may retry elsewhere), anything else internal. */
function notDurable(cause: unknown): TesseraError {
  if (cause instanceof TesseraError && cause.code === 'ERR_UNAVAILABLE') return cause;
  return new TesseraError('ERR_INTERNAL', 'state could not be made durable', { cause });
}

/** Rejects every caller of a group that will not be written. */
function rejectAll(group: readonly Item[], err: unknown): void {
  const error = err instanceof TesseraError ? err : new TesseraError('ERR_INTERNAL', 'audit journal failure', { cause: err });
  for (const item of group) item.reject(error);
}

/** Rejects decisions that would break the journal's invariants: it alone owns the audit keys. */
function checkDecision(decision: Decision<unknown>): void {
  if (typeof (decision as unknown as PromiseLike<unknown>)?.then === 'function') throw new TypeError('decide must be synchronous');
  if (!Array.isArray(decision?.ops)) throw new TypeError('decide must return { ops, result }');
  for (const op of decision.ops) {
    if (typeof op?.key !== 'string' || (op.type !== 'put' && op.type !== 'del')) throw new TypeError('invalid store op');
    if (op.key.startsWith(AUDIT_PREFIX) || op.key.startsWith(CHECKPOINT_PREFIX)) throw new TypeError(`${op.key} is written by the journal only`);
    if (op.type === 'put' && !(op.value instanceof Uint8Array)) throw new TypeError('put value must be a Uint8Array');
  }
}

/** The last record's seq and hash; refuses to continue a chain whose tail does not verify. */
async function readHead(store: Pick<StoreTransaction, 'entries'>): Promise<{ seq: number; hash: string }> {
  for await (const [key, value] of store.entries({ ...prefixRange(AUDIT_PREFIX), reverse: true, limit: 1 })) {
    try {
      const record = parseRecord(value);
      if (parseSequenceKey(key, AUDIT_PREFIX) !== record.seq || hashRecord(record) !== record.hash) throw new TypeError('record does not match its key or hash');
      return { seq: record.seq, hash: record.hash };
    } catch (cause) {
      throw new TesseraError('ERR_AUDIT_CHAIN_BROKEN', `the last audit record (${key}) does not verify`, { cause });
    }
  }
  return { seq: 0, hash: GENESIS_HASH };
}

/** The last checkpoint, if any. */
async function readLastCheckpoint(store: Store): Promise<Checkpoint | undefined> {
  for await (const [key, value] of store.entries({ ...prefixRange(CHECKPOINT_PREFIX), reverse: true, limit: 1 })) {
    try {
      return parseCheckpoint(value);
    } catch (cause) {
      throw new TesseraError('ERR_AUDIT_CHAIN_BROKEN', `the last checkpoint (${key}) is malformed`, { cause });
    }
  }
  return undefined;
}

/** `checkpoint` must be in the log up to the recovered head, with the hash it signed. */
async function checkCheckpointInLog(store: Store, checkpoint: Checkpoint, head: { seq: number }): Promise<{ seq: number; timeMs: number }> {
  const bytes = checkpoint.seq <= head.seq ? await store.get(auditKey(checkpoint.seq)) : undefined;
  if (bytes === undefined || hashAt(bytes) !== checkpoint.hash) {
    throw new TesseraError('ERR_AUDIT_CHAIN_BROKEN', `the audit log does not contain checkpoint ${checkpoint.seq}`);
  }
  return { seq: checkpoint.seq, timeMs: checkpoint.timeMs };
}

function hashAt(bytes: Uint8Array): string | undefined {
  try {
    return parseRecord(bytes).hash;
  } catch {
    return undefined;
  }
}

/** When to sign the head next; the journal does the signing, serialized with its writes. */
class CheckpointScheduler {
  readonly signer: CheckpointSigner;
  readonly onCheckpoint: CheckpointOptions['onCheckpoint'];
  readonly #everyRecords: number;
  readonly #everyMs: number;
  readonly #clock: Clock;
  #lastSeq: number;
  #nextSeq = 0;
  #nextTimeMs = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: CheckpointOptions, clock: Clock, last: { seq: number; timeMs: number } | undefined) {
    const { signer, everyRecords, everyMs } = options;
    if (!Number.isSafeInteger(everyRecords) || everyRecords < 1 || !(everyMs > 0)) {
      throw new TypeError('checkpoint everyRecords must be a positive integer and everyMs positive');
    }
    this.signer = signer;
    this.onCheckpoint = options.onCheckpoint;
    this.#everyRecords = everyRecords;
    this.#everyMs = everyMs;
    this.#clock = clock;
    this.#lastSeq = last?.seq ?? 0;
    this.#schedule(this.#lastSeq, last?.timeMs ?? clock.now());
  }

  /** Wakes `onTick` every everyMs; unref'd so an idle journal never keeps the process alive. */
  start(onTick: () => void): void {
    this.#timer = setInterval(onTick, Math.min(this.#everyMs, 2 ** 31 - 1));
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** Whether records were added since the last checkpoint. */
  pending(head: { seq: number }): boolean {
    return head.seq > this.#lastSeq;
  }

  due(head: { seq: number }): boolean {
    return this.pending(head) && (head.seq >= this.#nextSeq || this.#clock.now() >= this.#nextTimeMs);
  }

  written(checkpoint: { seq: number; timeMs: number }): void {
    this.#lastSeq = checkpoint.seq;
    this.#schedule(checkpoint.seq, checkpoint.timeMs);
  }

  /** After a failed attempt: retry a full interval later instead of on every group. */
  postpone(head: { seq: number }): void {
    this.#schedule(head.seq, this.#clock.now());
  }

  #schedule(seq: number, timeMs: number): void {
    this.#nextSeq = seq + this.#everyRecords;
    this.#nextTimeMs = timeMs + this.#everyMs;
  }
}
