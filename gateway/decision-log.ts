/**
 * The gateway's own audit log: every decision, allowed or denied, as a record
 * of the CA's hash-chained format (ca/audit/record.ts, written by the CA's
 * Journal over a `level` store of its own), with checkpoints of the chain head
 * signed by the gateway's SVID key. `tessera audit verify --gateway FILE`
 * checks it against the trust bundle and the gateway's SPIFFE ID.
 * Identifiers and codes only: never bodies, tokens or upstream credentials.
 */
import { sign } from 'node:crypto';
import type { Clock } from '../agent-sdk/clock.js';
import type { ErrorCode } from '../agent-sdk/errors.js';
import type { X509Svid, X509SvidSource } from '../agent-sdk/svid.js';
import { type CheckpointSigner, Journal, type JournalObserver } from '../ca/audit/journal.js';
import type { AuditEvent, AuditOutcome } from '../ca/audit/record.js';
import { LevelStore } from '../ca/store/level-store.js';

/** What one decision says about the request: who, for which task and sponsor, which route and scope. */
export type DecisionEvent = Omit<AuditEvent, 'operation'> & { readonly operation: 'gateway.request' | 'gateway.connect' | 'gateway.upstream' };

export class DecisionLog {
  readonly #store: LevelStore;
  readonly #journal: Journal;

  private constructor(store: LevelStore, journal: Journal) {
    this.#store = store;
    this.#journal = journal;
  }

  /**
   * Opens (or continues) the log in `dir`; `observer` (the gateway's metrics)
   * hears of every batch once it is durable, and of every store failure.
   *
   * @throws {TesseraError} `ERR_AUDIT_CHAIN_BROKEN` when the existing log's tail does not verify.
   * @example const log = await DecisionLog.open(join(dataDir, 'audit'), source, systemClock, { everyRecords: 1000, everyMs: 60_000 });
   */
  static async open(
    dir: string, identity: X509SvidSource, clock: Clock, checkpoint: { everyRecords: number; everyMs: number }, observer?: JournalObserver,
  ): Promise<DecisionLog> {
    const store = await LevelStore.create(dir);
    try {
      const journal = await Journal.open({ store, clock, checkpoint: { signer: svidSigner(identity), ...checkpoint }, ...(observer && { observer }) });
      return new DecisionLog(store, journal);
    } catch (err) {
      await store.close();
      throw err;
    }
  }

  /** Appends one decision; resolves once it is durable. Rejects with ERR_INTERNAL when the store cannot sync. */
  record(event: DecisionEvent, outcome: AuditOutcome, reason?: ErrorCode): Promise<void> {
    return this.#journal.record(event, outcome, reason);
  }

  /** Writes a last checkpoint and closes the store. */
  async close(): Promise<void> {
    try {
      await this.#journal.close();
    } finally {
      await this.#store.close();
    }
  }
}

/** Signs checkpoints with the current SVID's key; the chain is that of the SVID that signed. */
function svidSigner(identity: X509SvidSource): CheckpointSigner {
  let signedWith: X509Svid = identity.getX509Svid();
  return {
    sign(data: Buffer): Buffer {
      signedWith = identity.getX509Svid();
      return sign('sha256', data, signedWith.privateKey);
    },
    get chain() {
      return signedWith.certificates;
    },
  };
}
