import { TesseraError } from './errors.js';

/** The largest value of a protobuf int32 field. */
const INT32_MAX = 2 ** 31 - 1;

/**
 * Milliseconds as the whole seconds of an int32 wire field (`ttl_seconds` and
 * the like), rounded up; 0 means "the default". A value the field cannot carry
 * is refused here rather than wrapped by the encoder: 2^32 + 60 seconds would
 * otherwise arrive as 60.
 *
 * @throws {TesseraError} ERR_VALUE_OUT_OF_RANGE naming the allowed range.
 * @example request.ttlSeconds = int32Seconds(params.ttlMs ?? 0, 'ttlMs');
 */
export function int32Seconds(ms: number, name: string): number {
  const seconds = Math.ceil(ms / 1000);
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > INT32_MAX) {
    throw new TesseraError('ERR_VALUE_OUT_OF_RANGE', `${name} must be between 0 and ${INT32_MAX * 1000} ms (${INT32_MAX} s)`);
  }
  return seconds;
}
