/**
 * Which replica runs the authority schedule: a lease in the store, taken by
 * compare-and-set, so when a step falls due every replica sees it but one
 * takes it. The sequence check in each transition (authorities.ts) keeps the
 * outcome right even if two held it; the lease keeps the others from trying
 * (and auditing a refusal). The holder gives it back when done; one that dies
 * loses it after LEASE_MS.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../agent-sdk/clock.js';
import { isTesseraError } from '../../agent-sdk/errors.js';
import { decodeRecord, encodeRecord } from '../issuance/records.js';
import type { Store } from '../store/store.js';

const LEASE_KEY = 'meta/authority_schedule_lease';
const LEASE_MS = 30_000;

export class ScheduleLease {
  readonly #holder = randomUUID();
  readonly #store: Store;
  readonly #clock: Clock;

  constructor(store: Store, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  /**
   * Takes or extends the lease; false while another replica holds it.
   *
   * @throws {TesseraError} ERR_UNAVAILABLE when the store cannot be reached.
   */
  async take(): Promise<boolean> {
    const stored = await this.#store.get(LEASE_KEY);
    const lease = decodeRecord<{ holder: string; untilMs: number }>(stored);
    const now = this.#clock.now();
    if (lease && lease.holder !== this.#holder && lease.untilMs > now) return false;
    try {
      await this.#store.write([{ type: 'put', key: LEASE_KEY, value: encodeRecord({ holder: this.#holder, untilMs: now + LEASE_MS }), expected: stored ?? null }]);
      return true;
    } catch (err) {
      // A failed compare-and-set: another replica took it since the read.
      if (isTesseraError(err)) throw err;
      return false;
    }
  }

  /**
   * Gives the lease back, if still held. The next holder reads the
   * authorities after taking it, so it sees what this one did.
   *
   * @throws {TesseraError} ERR_UNAVAILABLE when the store cannot be reached.
   */
  async release(): Promise<void> {
    const stored = await this.#store.get(LEASE_KEY);
    if (decodeRecord<{ holder: string }>(stored)?.holder !== this.#holder) return;
    try {
      await this.#store.write([{ type: 'put', key: LEASE_KEY, value: encodeRecord({ holder: this.#holder, untilMs: 0 }), expected: stored! }]);
    } catch (err) {
      if (isTesseraError(err)) throw err;
    }
  }
}
