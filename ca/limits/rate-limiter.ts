import type { RateLimit } from '../config.js';

interface Bucket {
  tokens: number;
  atMs: number;
}

/**
 * Token buckets per key (a caller's SPIFFE ID, a remote address): each key may
 * make `burst` calls at once and then `perSecond` on average. At most `maxKeys`
 * buckets are kept; the least recently used key is forgotten first, which only
 * ever gives it a full bucket again (so the memory an attacker can make the CA
 * hold is bounded, at the price that one holding more than `maxKeys` addresses
 * could refill its own). Time comes from the caller (the injected clock); a
 * clock that steps back refills nothing.
 *
 * @throws {TypeError} from the constructor for a limit that is not positive.
 * @example
 * const renewals = new RateLimiter({ perSecond: 1, burst: 60 }, 100_000);
 * if (!renewals.take(callerId, clock.now())) throw new TesseraError('ERR_RATE_LIMITED', 'too many renewals');
 */
export class RateLimiter {
  readonly #limit: RateLimit;
  readonly #maxKeys: number;
  // Map iteration order is insertion order: a key is re-inserted on every use, so the first is the least recent.
  readonly #buckets = new Map<string, Bucket>();

  constructor(limit: RateLimit, maxKeys: number) {
    if (!(limit.perSecond > 0) || !Number.isSafeInteger(limit.burst) || limit.burst < 1 || !Number.isSafeInteger(maxKeys) || maxKeys < 1) {
      throw new TypeError('a rate limit needs perSecond > 0, an integer burst >= 1 and maxKeys >= 1');
    }
    this.#limit = limit;
    this.#maxKeys = maxKeys;
  }

  /** Takes one token from `key`'s bucket; false (nothing taken) when it is empty. */
  take(key: string, nowMs: number): boolean {
    const bucket = this.#refilled(key, nowMs);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** How long until `key` has a token again; 0 when it has one now. */
  waitMs(key: string, nowMs: number): number {
    const bucket = this.#refilled(key, nowMs);
    return bucket.tokens >= 1 ? 0 : Math.ceil(((1 - bucket.tokens) * 1000) / this.#limit.perSecond);
  }

  /** How many keys are remembered. */
  get size(): number {
    return this.#buckets.size;
  }

  #refilled(key: string, nowMs: number): Bucket {
    const { perSecond, burst } = this.#limit;
    let bucket = this.#buckets.get(key);
    if (bucket) {
      this.#buckets.delete(key);
      const elapsedMs = Math.max(0, nowMs - bucket.atMs);
      bucket.tokens = Math.min(burst, bucket.tokens + (elapsedMs * perSecond) / 1000);
      bucket.atMs = Math.max(bucket.atMs, nowMs);
    } else {
      bucket = { tokens: burst, atMs: nowMs };
      if (this.#buckets.size >= this.#maxKeys) this.#buckets.delete(this.#buckets.keys().next().value!);
    }
    this.#buckets.set(key, bucket);
    return bucket;
  }
}
