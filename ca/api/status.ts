import type { Metadata, StatusObject } from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import { STATUS_OF, errorTrailer } from '../../agent-sdk/error-status.js';
import { TesseraError } from '../../agent-sdk/errors.js';
import type { Logger } from '../log.js';

/**
 * The one place a thrown value becomes a gRPC status. A TesseraError keeps its
 * code (in a trailer, for the SDK to rebuild the typed error) and its client-safe
 * message; anything else is logged with its cause and sent as a bare INTERNAL.
 */
export function toStatus(err: unknown, log: Logger, method: string): StatusObject & { metadata: Metadata } {
  if (err instanceof TesseraError) {
    if (err.code === 'ERR_INTERNAL') log.error({ method, code: err.code, err: err.cause ?? err }, 'internal failure');
    return { code: STATUS_OF[err.code], details: err.message, metadata: errorTrailer(err.code) };
  }
  log.error({ method, err }, 'unexpected failure');
  return { code: status.INTERNAL, details: 'internal error', metadata: errorTrailer('ERR_INTERNAL') };
}
