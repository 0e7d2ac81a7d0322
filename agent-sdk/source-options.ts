import { TesseraError } from './errors.js';
import { MAX_TIMER_MS } from './timers.js';
import type { RevocationOptions, RotationOptions } from './x509-source.js';

const ROTATION_DEFAULTS: Required<RotationOptions> = {
  at: 0.5, jitter: 0.1, retryMs: 1000, maxRetryMs: 30_000, renewWith: 'proof', taintSpreadMs: 2_000,
};

/**
 * An X509Source's rotation with the defaults filled in, and its revocation
 * options, checked before the source spends its ticket or join token. Unchecked,
 * a negative, NaN or too long delay would become setTimeout's 1 ms: an agent
 * renewing in a tight loop, held back only by the CA's rate limits.
 *
 * @throws {TesseraError} ERR_INVALID_ARGUMENT naming the option and its range.
 * @example const rotation = checkedSourceOptions({ retryMs: 500 }, { staleAfterMs: 60_000 });
 */
export function checkedSourceOptions(rotation: RotationOptions = {}, revocation: RevocationOptions | false = {}): Required<RotationOptions> {
  const r = { ...ROTATION_DEFAULTS, ...rotation };
  fraction('rotation.at', r.at, 'above 0 and below 1', r.at > 0 && r.at < 1);
  fraction('rotation.jitter', r.jitter, `from 0 to rotation.at (${r.at})`, r.jitter >= 0 && r.jitter <= r.at);
  wholeMs('rotation.retryMs', r.retryMs, 1, MAX_TIMER_MS);
  wholeMs('rotation.maxRetryMs', r.maxRetryMs, r.retryMs, MAX_TIMER_MS);
  wholeMs('rotation.taintSpreadMs', r.taintSpreadMs, 0, MAX_TIMER_MS);
  if (r.renewWith !== 'proof' && r.renewWith !== 'mutual-tls') {
    throw new TesseraError('ERR_INVALID_ARGUMENT', `rotation.renewWith must be 'proof' or 'mutual-tls', not ${String(r.renewWith)}`);
  }
  if (revocation !== false) {
    // The list compares staleAfterMs with the clock and clamps its own timer: any whole number of ms holds.
    if (revocation.staleAfterMs !== undefined) wholeMs('revocation.staleAfterMs', revocation.staleAfterMs, 1, Number.MAX_SAFE_INTEGER);
    if (revocation.syncTimeoutMs !== undefined) wholeMs('revocation.syncTimeoutMs', revocation.syncTimeoutMs, 0, MAX_TIMER_MS);
  }
  return r;
}

function fraction(name: string, value: number, range: string, fits: boolean): void {
  if (typeof value !== 'number' || !fits) throw new TesseraError('ERR_INVALID_ARGUMENT', `${name} must be a fraction of the lifetime ${range}, not ${value}`);
}

function wholeMs(name: string, value: number, min: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new TesseraError('ERR_INVALID_ARGUMENT', `${name} must be a whole number of milliseconds from ${min} to ${max}, not ${value}`);
  }
}
