import type { Clock } from '../../agent-sdk/clock.js';
import { TesseraError } from '../../agent-sdk/errors.js';
import type { Journal } from '../audit/journal.js';
import type { AuditEvent } from '../audit/record.js';
import { RATE_CLASSES, type RateClass, type RateLimits } from '../config.js';
import { BurstAudit } from './burst-audit.js';
import { RateLimiter } from './rate-limiter.js';

/**
 * The CA's rate limits: one RateLimiter per class of calls (config
 * `rateLimits`), and the BurstAudit that records their refusals (and those of
 * other limits, such as the number of revocation followers) once per burst.
 * Built once by the server; the handlers' admitCall applies it to every method
 * METHOD_RULES gives a class.
 *
 * @example
 * const limits = new CallLimits(config.rateLimits, { journal, clock });
 * await limits.admit('renew', callerId, { operation: 'renew', caller: callerId });
 */
export class CallLimits {
  /** Records refusals once per burst; also for limits other than rates. */
  readonly bursts: BurstAudit;
  readonly #limiters = new Map<RateClass, RateLimiter>();
  readonly #clock: Clock;

  constructor(config: RateLimits, deps: { journal: Pick<Journal, 'record'>; clock: Clock; onSweepFailed?: (err: unknown) => void }) {
    this.#clock = deps.clock;
    this.bursts = new BurstAudit({ ...deps, intervalMs: config.auditIntervalMs, maxBursts: config.maxKeys });
    for (const rateClass of RATE_CLASSES) {
      const limit = config[rateClass];
      if (limit) this.#limiters.set(rateClass, new RateLimiter(limit, config.maxKeys));
    }
  }

  /**
   * Takes one call of `rateClass` for `key` (a SPIFFE ID, or an address key
   * from addressKeyOf). Over the limit, the refusal is audited per burst with
   * `event` and thrown. A class that is off admits everything.
   *
   * @throws {TesseraError} ERR_RATE_LIMITED (gRPC RESOURCE_EXHAUSTED), already audited.
   */
  async admit(rateClass: RateClass, key: string, event: AuditEvent): Promise<void> {
    const limiter = this.#limiters.get(rateClass);
    if (!limiter) return;
    const now = this.#clock.now();
    if (limiter.take(key, now)) {
      await this.bursts.admitted(key, event.operation, 'ERR_RATE_LIMITED');
      return;
    }
    await this.bursts.refused(key, event, 'ERR_RATE_LIMITED');
    const seconds = Math.max(1, Math.ceil(limiter.waitMs(key, now) / 1000));
    // The key is the caller's own ID or address: nothing here it does not know.
    throw new TesseraError('ERR_RATE_LIMITED', `too many ${rateClass} calls from this ${event.address ? 'address' : 'caller'}; retry in ${seconds} s`);
  }

  /** Writes the counts of open bursts to the audit log and stops the sweep; before the journal closes. */
  close(): Promise<void> {
    return this.bursts.close();
  }
}
