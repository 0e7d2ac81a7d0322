import { TesseraError } from '../agent-sdk/errors.js';

/**
 * No CA answers on the admin socket (not running, or another socket):
 * ERR_UNAVAILABLE naming the socket. Apart from the clients that throw it, so
 * the CLI's dispatcher tells it apart without loading gRPC.
 */
export class CaUnreachableError extends TesseraError {
  constructor(readonly socketPath: string) {
    super('ERR_UNAVAILABLE', `no CA answers on the admin socket ${socketPath}`);
  }
}
