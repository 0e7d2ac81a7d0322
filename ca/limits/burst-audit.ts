import type { Clock } from '../../agent-sdk/clock.js';
import type { ErrorCode } from '../../agent-sdk/errors.js';
import type { Journal } from '../audit/journal.js';
import type { AuditEvent } from '../audit/record.js';

interface Burst {
  readonly event: AuditEvent;
  readonly code: ErrorCode;
  /** Refusals since the burst's last record. */
  unreported: number;
  lastRefusedMs: number;
  reportedMs: number;
}

/**
 * Audits refusals by a limit once per burst instead of once per call: every
 * audit record is a synced write, so auditing each refused call would hand a
 * flooding client the very fsyncs the limit protects.
 *
 * A burst is a run of refusals of one (operation, key, code) with gaps shorter
 * than `intervalMs`. Its first refusal writes one 'denied' record at once (the
 * caller's ID or address, the reason code). Later refusals are counted; the
 * count goes into a 'denied' summary record with the same fields and `count`
 * when the burst ends (the key's next call or refusal after a quiet
 * `intervalMs`, or the periodic sweep), every `intervalMs` while it lasts, and
 * at shutdown. So the records of a burst account for every refusal (a record
 * without `count` stands for one), and a key in a burst costs at most one
 * record per interval. Counts not yet written are lost if the CA crashes.
 *
 * @example
 * const bursts = new BurstAudit({ journal, clock, intervalMs: 60_000 });
 * await bursts.refused(callerId, { operation: 'renew', caller: callerId }, 'ERR_RATE_LIMITED');
 */
export class BurstAudit {
  readonly #journal: Pick<Journal, 'record'>;
  readonly #clock: Clock;
  readonly #intervalMs: number;
  readonly #maxBursts: number;
  readonly #bursts = new Map<string, Burst>();
  readonly #onSweepFailed: (err: unknown) => void;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(params: { journal: Pick<Journal, 'record'>; clock: Clock; intervalMs: number; maxBursts?: number; onSweepFailed?: (err: unknown) => void }) {
    this.#journal = params.journal;
    this.#clock = params.clock;
    this.#intervalMs = params.intervalMs;
    this.#maxBursts = params.maxBursts ?? 100_000;
    this.#onSweepFailed = params.onSweepFailed ?? (() => {});
  }

  /**
   * Notes one refusal of `key`. Resolves once its record is durable when it
   * starts a burst (or brings a summary due); otherwise it is only counted.
   *
   * @throws {TesseraError} ERR_INTERNAL when the audit record cannot be written.
   */
  async refused(key: string, event: AuditEvent, code: ErrorCode): Promise<void> {
    const now = this.#clock.now();
    const id = burstId(key, event.operation, code);
    const burst = this.#bursts.get(id);
    if (burst && now - burst.lastRefusedMs < this.#intervalMs) {
      burst.unreported += 1;
      burst.lastRefusedMs = now;
      if (now - burst.reportedMs >= this.#intervalMs) await this.#report(burst, now);
      return;
    }
    if (burst) await this.#end(id, burst);
    if (this.#bursts.size >= this.#maxBursts) {
      const [oldestId, oldest] = this.#bursts.entries().next().value!;
      await this.#end(oldestId, oldest);
    }
    this.#bursts.set(id, { event, code, unreported: 0, lastRefusedMs: now, reportedMs: now });
    this.#startSweeping();
    await this.#journal.record(event, 'denied', code);
  }

  /** `key` was let through: if its burst has been quiet for the interval, its summary is written first. */
  async admitted(key: string, operation: string, code: ErrorCode): Promise<void> {
    const id = burstId(key, operation, code);
    const burst = this.#bursts.get(id);
    if (burst && this.#clock.now() - burst.lastRefusedMs >= this.#intervalMs) await this.#end(id, burst);
  }

  /** Writes the summaries that are due: of bursts that ended, and of long ones every interval. */
  async sweep(): Promise<void> {
    const now = this.#clock.now();
    const due: Promise<void>[] = [];
    for (const [id, burst] of this.#bursts) {
      if (now - burst.lastRefusedMs >= this.#intervalMs) due.push(this.#end(id, burst));
      else if (now - burst.reportedMs >= this.#intervalMs) due.push(this.#report(burst, now));
    }
    await Promise.all(due);
    if (this.#bursts.size === 0) this.#stopSweeping();
  }

  /** Stops the sweep and writes every count not yet written (call before the journal closes). */
  async close(): Promise<void> {
    this.#closed = true;
    this.#stopSweeping();
    await Promise.all([...this.#bursts].map(([id, burst]) => this.#end(id, burst)));
  }

  /** How many keys are in a burst now. */
  get size(): number {
    return this.#bursts.size;
  }

  /** Ends bursts of keys that never call again; runs only while there are bursts. The clock decides, the timer only looks. */
  #startSweeping(): void {
    if (this.#timer || this.#closed) return;
    this.#timer = setInterval(() => this.sweep().catch(this.#onSweepFailed), this.#intervalMs);
    this.#timer.unref();
  }

  #stopSweeping(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #end(id: string, burst: Burst): Promise<void> {
    this.#bursts.delete(id);
    await this.#report(burst, this.#clock.now());
  }

  async #report(burst: Burst, now: number): Promise<void> {
    const count = burst.unreported;
    burst.unreported = 0;
    burst.reportedMs = now;
    if (count > 0) await this.#journal.record({ ...burst.event, count }, 'denied', burst.code);
  }
}

function burstId(key: string, operation: string, code: ErrorCode): string {
  return `${code}\0${operation}\0${key}`;
}
